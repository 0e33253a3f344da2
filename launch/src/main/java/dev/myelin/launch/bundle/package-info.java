/**
 * Policy bundle commands: {@code bundle} (signing keys, inspection, compression), {@code nir} (a PopSAN
 * bundle's spiking core as NIR and back) and {@code controller-bundle} (the hand-wired bring-up policy
 * written as a bundle for a navigation parameter file).
 */
package dev.myelin.launch.bundle;
