/**
 * The in-memory model: {@link dev.jquant.runtime.graph.Graph} of {@link dev.jquant.runtime.graph.Node}s
 * over named values, with declared inputs and outputs whose dimensions may be symbolic. Shared by the
 * compressor (which builds and rewrites graphs) and the runtime (which reads them from {@code .jqm}).
 */
package dev.jquant.runtime.graph;
