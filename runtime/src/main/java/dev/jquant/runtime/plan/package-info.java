/**
 * Planning: per input-shape signature, operators are prepared with concrete shapes, values known
 * before running are evaluated once, and activations are laid out in one arena whose bytes are shared
 * by values with disjoint lifetimes. Internal to the runtime.
 */
package dev.jquant.runtime.plan;
