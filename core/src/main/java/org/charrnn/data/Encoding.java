package org.charrnn.data;

/**
 * How a network takes its minibatches: the input characters (features) and the next characters
 * (labels), each as one-hot rows [batch, vocab, T] or as indices [batch, 1, T]. Our layers take
 * indices both ways; DL4J's stock layers and older checkpoints' output layer need one-hot.
 */
public record Encoding(InputEncoding features, InputEncoding labels) {
    public static final Encoding ONE_HOT = new Encoding(InputEncoding.ONE_HOT, InputEncoding.ONE_HOT);
    public static final Encoding INDICES = new Encoding(InputEncoding.INDEX, InputEncoding.INDEX);
}
