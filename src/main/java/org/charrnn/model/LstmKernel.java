package org.charrnn.model;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The arithmetic of one LSTM layer over a segment, in time-major layout. Gate order i, f, g, o;
 * z = x·Wx + h·Wr + b with Wx [nIn, 4n], Wr [n, 4n], b [4n]; c' = f∘c + i∘g; h' = o∘tanh(c').
 * The initial state (h0, c0) is an input the gradient does not flow into the previous segment
 * through: exactly truncated BPTT with carried state.
 */
public interface LstmKernel {

    /** x [T, B, nIn], h0/c0 [B, n] → h [T, B, n], hLast/cLast [B, n] (all preallocated by the caller, C order). */
    void forward(INDArray x, INDArray wx, INDArray wr, INDArray b, INDArray h0, INDArray c0,
                 INDArray h, INDArray hLast, INDArray cLast);

    /**
     * Given dL/dh [T, B, n] for the same segment and initial state as the last {@link #forward},
     * writes dL/dx [T, B, nIn] (unless {@code dx} is null: nobody wants it) and overwrites dWx, dWr, db.
     */
    void backward(INDArray x, INDArray wx, INDArray wr, INDArray b, INDArray h0, INDArray c0, INDArray dLdh,
                  INDArray dx, INDArray dWx, INDArray dWr, INDArray db);
}
