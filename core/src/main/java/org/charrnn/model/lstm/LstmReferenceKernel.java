package org.charrnn.model.lstm;

import org.charrnn.model.kernel.RecurrentKernel;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The LSTM {@link RecurrentKernel} on ND4J's native {@code lstmLayer} / {@code lstmLayer_bp} ops, called through
 * the op builder because the Java wrapper classes are broken in M2.1 (they misplace the arrays and
 * swap the cell/output activations). Exact; the backward op recomputes the forward itself.
 */
public final class LstmReferenceKernel implements RecurrentKernel {
    private static final int TNS = 0;
    private static final int FORWARD = 0;
    private static final int SIGMOID = 2;
    private static final int TANH = 0;

    @Override
    public void forward(INDArray x, INDArray wx, INDArray wr, INDArray b, INDArray[] state0, INDArray h, INDArray[] stateLast) {
        INDArray h0 = state0[0];
        INDArray c0 = state0[1];
        Nd4j.exec(DynamicCustomOp.builder("lstmLayer")
                .addInputs(x, wx, wr, b, h0, c0)
                .addIntegerArguments(TNS, FORWARD, SIGMOID, TANH, TANH)
                .addFloatingPointArguments(0.0) // no cell clipping
                // has bias, no seqLen, has hI, has cI, no peepholes, want h, want hL, want cL
                .addBooleanArguments(true, false, true, true, false, true, true, true)
                .addOutputs(h, stateLast[0], stateLast[1])
                .build());
    }

    @Override
    public void backward(INDArray x, INDArray wx, INDArray wr, INDArray b, INDArray[] state0, INDArray dLdh,
                         INDArray dx, INDArray dWx, INDArray dWr, INDArray db) {
        INDArray h0 = state0[0];
        INDArray c0 = state0[1];
        INDArray dbOut = db.rank() == 1 ? db : Nd4j.createUninitialized(db.dataType(), db.length()); // the op wants [4n]
        if (dx == null) dx = Nd4j.createUninitialized(x.dataType(), x.shape()); // the op always writes it
        INDArray dh0 = Nd4j.createUninitialized(h0.dataType(), h0.shape());
        INDArray dc0 = Nd4j.createUninitialized(c0.dataType(), c0.shape());
        Nd4j.exec(DynamicCustomOp.builder("lstmLayer_bp")
                .addInputs(x, wx, wr, b, h0, c0, dLdh)
                .addIntegerArguments(TNS, FORWARD, SIGMOID, TANH, TANH)
                .addFloatingPointArguments(0.0)
                // as forward; then: dL/dh given, no dL/dhL, no dL/dcL
                .addBooleanArguments(true, false, true, true, false, true, false, false)
                .addOutputs(dx, dWx, dWr, dbOut, dh0, dc0)
                .build());
        if (dbOut != db) db.assign(dbOut.reshape(db.shape()));
    }
}
