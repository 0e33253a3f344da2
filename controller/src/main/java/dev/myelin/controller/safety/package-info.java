/** The safety gate between policy and outputs and the causes of its interventions. */
package dev.myelin.controller.safety;
