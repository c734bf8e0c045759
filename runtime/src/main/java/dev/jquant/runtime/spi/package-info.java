/**
 * The backend service-provider interface. Backends are found with {@link java.util.ServiceLoader};
 * probing is cheap and never throws, native code loads late, and a node a backend cannot run falls
 * back to the Java backend.
 */
package dev.jquant.runtime.spi;
