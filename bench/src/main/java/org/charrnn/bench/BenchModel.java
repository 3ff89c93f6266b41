package org.charrnn.bench;

import org.charrnn.config.ConfigSchema;
import org.charrnn.config.ModelConfig.Cell;
import org.charrnn.config.ModelConfig.Precision;
import org.charrnn.config.TrainConfig.Optimizer;


/**
 * A benchmarked shape: cell, layers × units, minibatch streams × steps, optimizer. The text is
 * random over 65 symbols (tiny-shakespeare's vocabulary size) unless bench is given one. Spelled
 * {@code [CELL:]LAYERSxUNITS[:bBATCH][:sSEQ][:OPTIMIZER][:bf16][:ln]}, e.g. {@code 2x128}, {@code gru:3x512},
 * {@code rnn:1x100:b1:s25:adagrad} (min-char-rnn's shape), {@code 3x512:bf16} (model.precision: bf16),
 * {@code gru:2x384:b25:ln} or {@code 2x128:ln} (model.layer_norm: true; the peers have no such cell and sit it out).
 */
public record BenchModel(String name, Cell cell, int layers, int units, int batch, int seqLength, Optimizer optimizer,
                         Precision precision, boolean layerNorm) {
    public static final int VOCAB = 65;

    public static BenchModel parse(String spec) {
        String[] parts = spec.split(":");
        int first = 0;
        Cell cell = Cell.LSTM;
        Cell named = ConfigSchema.valueOf(Cell.class, parts[0]);
        if (named != null) {
            cell = named;
            first = 1;
        }
        String[] lu = parts[first].split("x");
        if (lu.length != 2) throw new IllegalArgumentException(parts[first]);
        int batch = 50;
        int seq = 50;
        Optimizer optimizer = Optimizer.RMSPROP;
        Precision precision = Precision.F32;
        boolean layerNorm = false;
        for (int i = first + 1; i < parts.length; i++) {
            Optimizer o = ConfigSchema.valueOf(Optimizer.class, parts[i]);
            if (o != null && o != Optimizer.SGD) optimizer = o;
            else if (parts[i].equals(Precision.BF16.toString())) precision = Precision.BF16;
            else if (parts[i].equals("ln")) layerNorm = true;
            else if (parts[i].startsWith("b")) batch = Integer.parseInt(parts[i].substring(1));
            else if (parts[i].startsWith("s")) seq = Integer.parseInt(parts[i].substring(1));
            else throw new IllegalArgumentException(parts[i]);
        }
        BenchModel m = new BenchModel(spec, cell, Integer.parseInt(lu[0]), Integer.parseInt(lu[1]), batch, seq, optimizer, precision, layerNorm);
        if (m.layers < 1 || m.units < 1 || m.batch < 1 || m.seqLength < 1 || layerNorm && cell == Cell.RNN) {
            throw new IllegalArgumentException(spec);
        }
        return m;
    }

    /** The run config this shape trains with (every key not named here at its default). */
    public org.charrnn.config.RunConfig config() {
        return org.charrnn.config.ConfigLoader.of("model.type=" + cell, "model.rnn_size=" + units, "model.num_layers=" + layers,
                "train.batch_size=" + batch, "train.seq_length=" + seqLength, "train.optimizer=" + optimizer,
                "train.learning_rate=" + learningRate(), "model.precision=" + precision, "model.layer_norm=" + layerNorm);
    }

    /** What benching it holds at once: a training session per thread setting, and a sampler. */
    public org.charrnn.model.MemoryEstimate memory(int sessions) {
        org.charrnn.config.RunConfig c = config();
        org.charrnn.model.MemoryEstimate one = org.charrnn.model.MemoryEstimate.training(c.model(), c.train().optimization(), batch,
                seqLength, VOCAB, false);
        return new org.charrnn.model.MemoryEstimate(one.parameters(), one.parameterBytes() * sessions, one.heapBytes() * sessions,
                one.nativeBytes() * sessions, one.bf16Bytes() * sessions);
    }

    /** char-rnn's rate for RMSProp and Adam, min-char-rnn's for Adagrad. */
    public double learningRate() {
        return optimizer == Optimizer.ADAGRAD ? 0.1 : 2e-3;
    }

    /** Gate blocks of the cell: 4 (LSTM), 3 (GRU), 1 (RNN). */
    public int gates() {
        return switch (cell) {
            case GRU -> 3;
            case RNN -> 1;
            case LSTM -> 4;
        };
    }

    /** min-char-rnn's shape: the numpy gist can be run beside it. */
    public boolean isMinCharRnn() {
        return cell == Cell.RNN && layers == 1 && batch == 1;
    }

    /**
     * Training FLOPs per character actually computed, 3× the forward: the first layer looks its
     * input rows up (no product with one-hot input), the others multiply, and so does the output.
     */
    public double flopsPerChar(int vocabulary) {
        double forward = 0;
        for (int l = 0; l < layers; l++) forward += 2.0 * ((l == 0 ? 0 : units) + units) * gates() * units;
        forward += 2.0 * units * vocabulary;
        return 3 * forward;
    }
}
