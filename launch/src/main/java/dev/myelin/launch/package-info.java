/**
 * Command line, launch files and the end-to-end demo.
 */
package dev.myelin.launch;
