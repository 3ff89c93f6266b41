package org.charrnn.config;

/**
 * The part of {@link TrainConfig} a network is built with: the optimizer and its rate, RMSProp's
 * decay, element-wise gradient clipping (0 = off), and the seed of the initial weights.
 */
public record Optimization(TrainConfig.Optimizer optimizer, double learningRate, double decayRate, double gradClip, long seed) {
}
