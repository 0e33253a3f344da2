/**
 * NIR (Neuromorphic Intermediate Representation) export and import of a PopSAN's spiking core in NIR's
 * HDF5 layout; see {@link dev.myelin.drivers.nir.NirFormat} for the mapping.
 */
package dev.myelin.drivers.nir;
