package org.charrnn.config;

/** The network's shape. Two checkpoints with equal ModelConfigs have interchangeable weights. */
public record ModelConfig(String type, String core, int rnnSize, int numLayers, double dropout,
                          int embeddingSize, double initRange, double forgetBias) {
}
