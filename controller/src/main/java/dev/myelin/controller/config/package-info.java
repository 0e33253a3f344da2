/** The controller's parameter file and the check of its mapping against a bundle's spec. */
package dev.myelin.controller.config;
