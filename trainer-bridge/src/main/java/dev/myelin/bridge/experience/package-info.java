/**
 * Experience from robots to the trainer: the robot's recorder and disk-backed outbox of transitions, the
 * uploader that sends them in acknowledged batches, and the trainer's ingest and store that keep each
 * {@link dev.myelin.bridge.experience.ExperienceTransition} once.
 */
package dev.myelin.bridge.experience;
