package org.charrnn.model.gru;

import org.charrnn.model.kernel.NormalisedRows;
import org.charrnn.model.kernel.RecurrentKernel;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The GRU of {@link GruLayerConfig} written plainly in ND4J array operations, in any data type: the exact
 * reference that double-precision gradient checks run on, and the kernel for non-CPU backends.
 * ND4J's own gru_bp op is not used: its reset-gate gradients are wrong in 1.0.0-M2.1.
 */
public final class GruReferenceKernel implements RecurrentKernel {
    private final boolean layerNorm;
    private INDArray[] r;
    private INDArray[] z;
    private INDArray[] cand;
    private INDArray[] hiddenPart;
    private INDArray[] hPrev;
    // Layer normalisation only: each side's normalised rows and 1/σ, per step for the recurrent side.
    private NormalisedRows inputSide;
    private NormalisedRows[] hiddenSide;

    public GruReferenceKernel() {
        this(false);
    }

    /** With {@code layerNorm}, b is followed by the gains γx | γh (see {@link GruLayerConfig}). */
    public GruReferenceKernel(boolean layerNorm) {
        this.layerNorm = layerNorm;
    }

    @Override
    public void forward(INDArray x, INDArray wx, INDArray wr, INDArray b, INDArray[] state0, INDArray h, INDArray[] stateLast) {
        int t = (int) x.size(0);
        long bs = x.size(1);
        long n = state0[0].size(1);
        INDArray bias = b.reshape(1, b.length());
        requireLength(bias, n);
        INDArray gx = x.reshape('c', t * bs, x.size(2)).mmul(wx);
        if (layerNorm) {
            inputSide = NormalisedRows.of(gx);
            gx = inputSide.value().mulRowVector(cols(bias, 4 * n, 7 * n));
            hiddenSide = new NormalisedRows[t];
        }
        gx.addiRowVector(cols(bias, 0, 3 * n));
        INDArray bhn = cols(bias, 3 * n, 4 * n);
        r = new INDArray[t];
        z = new INDArray[t];
        cand = new INDArray[t];
        hiddenPart = new INDArray[t];
        hPrev = new INDArray[t];
        INDArray prev = state0[0].dup('c');
        for (int s = 0; s < t; s++) {
            INDArray gxs = gx.get(NDArrayIndex.interval(s * bs, (s + 1) * bs), NDArrayIndex.all());
            INDArray gh = prev.mmul(wr);
            if (layerNorm) {
                hiddenSide[s] = NormalisedRows.of(gh);
                gh = hiddenSide[s].value().mulRowVector(cols(bias, 7 * n, 10 * n));
            }
            r[s] = Transforms.sigmoid(cols(gxs, 0, n).add(cols(gh, 0, n)), true);
            z[s] = Transforms.sigmoid(cols(gxs, n, 2 * n).add(cols(gh, n, 2 * n)), true);
            hiddenPart[s] = cols(gh, 2 * n, 3 * n).addRowVector(bhn);
            cand[s] = Transforms.tanh(cols(gxs, 2 * n, 3 * n).add(r[s].mul(hiddenPart[s])), true);
            hPrev[s] = prev;
            INDArray next = cand[s].add(z[s].mul(prev.sub(cand[s])));
            h.get(NDArrayIndex.point(s), NDArrayIndex.all(), NDArrayIndex.all()).assign(next);
            prev = next;
        }
        stateLast[0].assign(prev);
    }

    @Override
    public void backward(INDArray x, INDArray wx, INDArray wr, INDArray b, INDArray[] state0, INDArray dLdh,
                         INDArray dx, INDArray dWx, INDArray dWr, INDArray db) {
        int t = r.length;
        long bs = x.size(1);
        long n = state0[0].size(1);
        INDArray dGx = org.nd4j.linalg.factory.Nd4j.zeros(x.dataType(), t * bs, 3 * n);
        INDArray dGh = org.nd4j.linalg.factory.Nd4j.zeros(x.dataType(), t * bs, 3 * n);
        INDArray dh = org.nd4j.linalg.factory.Nd4j.zeros(x.dataType(), bs, n);
        INDArray hnBiasGrad = org.nd4j.linalg.factory.Nd4j.zeros(x.dataType(), n);
        dWr.assign(0);
        INDArray bias = b.reshape(1, b.length());
        INDArray dbFlat = db.reshape(db.length());
        INDArray hiddenGains = layerNorm ? cols(bias, 7 * n, 10 * n) : null;
        if (layerNorm) dbFlat.get(NDArrayIndex.interval(7 * n, 10 * n)).assign(0);
        for (int s = t - 1; s >= 0; s--) {
            INDArray dht = dLdh.get(NDArrayIndex.point(s), NDArrayIndex.all(), NDArrayIndex.all()).add(dh);
            INDArray one = org.nd4j.linalg.factory.Nd4j.onesLike(z[s]);
            INDArray dn = dht.mul(one.sub(z[s])).muli(one.sub(cand[s].mul(cand[s])));
            INDArray dz = dht.mul(hPrev[s].sub(cand[s])).muli(z[s]).muli(one.sub(z[s]));
            INDArray dhn = dn.mul(r[s]);
            hnBiasGrad.addi(dhn.sum(0));
            INDArray dr = dn.mul(hiddenPart[s]).muli(r[s]).muli(one.sub(r[s]));
            INDArrayIndex rows = NDArrayIndex.interval(s * bs, (s + 1) * bs);
            INDArray gxRows = dGx.get(rows, NDArrayIndex.all());
            INDArray ghRows = dGh.get(rows, NDArrayIndex.all());
            cols(gxRows, 0, n).assign(dr);
            cols(gxRows, n, 2 * n).assign(dz);
            cols(gxRows, 2 * n, 3 * n).assign(dn);
            cols(ghRows, 0, n).assign(dr);
            cols(ghRows, n, 2 * n).assign(dz);
            cols(ghRows, 2 * n, 3 * n).assign(dhn);
            if (layerNorm) {
                // ghRows holds dL/dgh; the product's rows receive dL/d(h·Wr).
                dbFlat.get(NDArrayIndex.interval(7 * n, 10 * n)).addi(ghRows.mul(hiddenSide[s].value()).sum(0));
                ghRows.assign(hiddenSide[s].backward(ghRows.mulRowVector(hiddenGains)));
            }
            dWr.addi(hPrev[s].transpose().mmul(ghRows));
            dh = dht.mul(z[s]).addi(ghRows.mmul(wr.transpose()));
        }
        dbFlat.get(NDArrayIndex.interval(0, 3 * n)).assign(dGx.sum(0));
        // b_hn's gradient is dL/dgh's n block: the layer-normalised product's rows were replaced above.
        dbFlat.get(NDArrayIndex.interval(3 * n, 4 * n)).assign(hnBiasGrad);
        INDArray dU = dGx;
        if (layerNorm) {
            dbFlat.get(NDArrayIndex.interval(4 * n, 7 * n)).assign(dGx.mul(inputSide.value()).sum(0));
            dU = inputSide.backward(dGx.mulRowVector(cols(bias, 4 * n, 7 * n)));
        }
        INDArray x2d = x.reshape('c', t * bs, x.size(2));
        dWx.assign(x2d.transpose().mmul(dU));
        if (dx != null) dx.assign(dU.mmul(wx.transpose()).reshape('c', t, bs, x.size(2)));
    }

    private void requireLength(INDArray bias, long n) {
        long expected = (layerNorm ? 10 : 4) * n;
        if (bias.length() != expected) {
            throw new IllegalArgumentException("GRU parameters b of length " + bias.length() + ", expected " + expected);
        }
    }

    private static INDArray cols(INDArray m, long from, long to) {
        return m.get(NDArrayIndex.all(), NDArrayIndex.interval(from, to));
    }
}
