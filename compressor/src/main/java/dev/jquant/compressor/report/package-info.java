/** What compression did, for people: a self-contained HTML report with per-layer numbers and a chart. */
package dev.jquant.compressor.report;
