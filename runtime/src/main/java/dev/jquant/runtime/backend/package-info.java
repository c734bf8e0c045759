/** The built-in Java backend's provider and machine facts shown by probes. */
package dev.jquant.runtime.backend;
