package org.charrnn.model.rnn;

import org.charrnn.model.kernel.RecurrentKernel;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The vanilla RNN of {@link RnnLayerConfig} written plainly in ND4J array operations, in any data type:
 * the exact reference that double-precision gradient checks run on, and the kernel for non-CPU backends.
 */
public final class RnnReferenceKernel implements RecurrentKernel {
    private INDArray[] h;
    private INDArray[] hPrev;

    @Override
    public void forward(INDArray x, INDArray wx, INDArray wr, INDArray b, INDArray[] state0, INDArray hOut, INDArray[] stateLast) {
        int t = (int) x.size(0);
        long bs = x.size(1);
        INDArray pre = x.reshape('c', t * bs, x.size(2)).mmul(wx).addiRowVector(b.reshape(1, b.length()));
        h = new INDArray[t];
        hPrev = new INDArray[t];
        INDArray prev = state0[0].dup('c');
        for (int s = 0; s < t; s++) {
            hPrev[s] = prev;
            h[s] = Transforms.tanh(pre.get(NDArrayIndex.interval(s * bs, (s + 1) * bs), NDArrayIndex.all()).add(prev.mmul(wr)), true);
            hOut.get(NDArrayIndex.point(s), NDArrayIndex.all(), NDArrayIndex.all()).assign(h[s]);
            prev = h[s];
        }
        stateLast[0].assign(prev);
    }

    @Override
    public void backward(INDArray x, INDArray wx, INDArray wr, INDArray b, INDArray[] state0, INDArray dLdh,
                         INDArray dx, INDArray dWx, INDArray dWr, INDArray db) {
        int t = h.length;
        long bs = x.size(1);
        long n = state0[0].size(1);
        INDArray dA = Nd4j.zeros(x.dataType(), t * bs, n);
        INDArray dh = Nd4j.zeros(x.dataType(), bs, n);
        dWr.assign(0);
        for (int s = t - 1; s >= 0; s--) {
            INDArray d = dLdh.get(NDArrayIndex.point(s), NDArrayIndex.all(), NDArrayIndex.all()).add(dh)
                    .muli(Nd4j.onesLike(h[s]).subi(h[s].mul(h[s])));
            dA.get(NDArrayIndex.interval(s * bs, (s + 1) * bs), NDArrayIndex.all()).assign(d);
            dWr.addi(hPrev[s].transpose().mmul(d));
            dh = d.mmul(wr.transpose());
        }
        dWx.assign(x.reshape('c', t * bs, x.size(2)).transpose().mmul(dA));
        db.reshape(db.length()).assign(dA.sum(0));
        if (dx != null) dx.assign(dA.mmul(wx.transpose()).reshape('c', t, bs, x.size(2)));
    }
}
