package org.charrnn.model.lstm;

import org.charrnn.model.kernel.NormalisedRows;
import org.charrnn.model.kernel.RecurrentKernel;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.INDArrayIndex;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The layer-normalised LSTM of {@link LstmLayerConfig} written plainly in ND4J array operations, in any
 * data type: the reference that double-precision gradient checks run on, and the kernel for non-CPU
 * backends (ND4J's lstmLayer has no layer normalisation). b [14n] = bias (4n) | γx (4n) | γh (4n) | γc (n) | βc (n).
 */
public final class LayerNormLstmReferenceKernel implements RecurrentKernel {
    private NormalisedRows inputSide;   // LN(x·Wx) over all T·B rows
    private NormalisedRows[] hiddenSide; // LN(h·Wr) per step
    private NormalisedRows[] cellSide;   // LN(c') per step
    private INDArray[] i;
    private INDArray[] f;
    private INDArray[] g;
    private INDArray[] o;
    private INDArray[] cellTanh;     // tanh(γc ⊙ LN(c') + βc)
    private INDArray[] cPrev;
    private INDArray[] hPrev;

    @Override
    public void forward(INDArray x, INDArray wx, INDArray wr, INDArray b, INDArray[] state0, INDArray h, INDArray[] stateLast) {
        int t = (int) x.size(0);
        long bs = x.size(1);
        long n = state0[0].size(1);
        INDArray p = b.reshape(1, b.length());
        if (p.length() != 14 * n) {
            throw new IllegalArgumentException("LSTM parameters b of length " + p.length() + ", expected " + 14 * n
                    + " (bias 4n, then layer-norm gains and shift 10n)");
        }
        inputSide = NormalisedRows.of(x.reshape('c', t * bs, x.size(2)).mmul(wx));
        INDArray gx = inputSide.value().mulRowVector(cols(p, 4 * n, 8 * n)).addiRowVector(cols(p, 0, 4 * n));
        hiddenSide = new NormalisedRows[t];
        cellSide = new NormalisedRows[t];
        i = new INDArray[t];
        f = new INDArray[t];
        g = new INDArray[t];
        o = new INDArray[t];
        cellTanh = new INDArray[t];
        cPrev = new INDArray[t];
        hPrev = new INDArray[t];
        INDArray hp = state0[0].dup('c');
        INDArray cp = state0[1].dup('c');
        for (int s = 0; s < t; s++) {
            hiddenSide[s] = NormalisedRows.of(hp.mmul(wr));
            INDArray z = gx.get(NDArrayIndex.interval(s * bs, (s + 1) * bs), NDArrayIndex.all())
                    .add(hiddenSide[s].value().mulRowVector(cols(p, 8 * n, 12 * n)));
            i[s] = Transforms.sigmoid(cols(z, 0, n), true);
            f[s] = Transforms.sigmoid(cols(z, n, 2 * n), true);
            g[s] = Transforms.tanh(cols(z, 2 * n, 3 * n), true);
            o[s] = Transforms.sigmoid(cols(z, 3 * n, 4 * n), true);
            INDArray c = f[s].mul(cp).addi(i[s].mul(g[s]));
            cellSide[s] = NormalisedRows.of(c);
            cellTanh[s] = Transforms.tanh(cellSide[s].value().mulRowVector(cols(p, 12 * n, 13 * n)).addiRowVector(cols(p, 13 * n, 14 * n)), true);
            INDArray next = o[s].mul(cellTanh[s]);
            h.get(NDArrayIndex.point(s), NDArrayIndex.all(), NDArrayIndex.all()).assign(next);
            hPrev[s] = hp;
            cPrev[s] = cp;
            hp = next;
            cp = c;
        }
        stateLast[0].assign(hp);
        stateLast[1].assign(cp);
    }

    @Override
    public void backward(INDArray x, INDArray wx, INDArray wr, INDArray b, INDArray[] state0, INDArray dLdh,
                         INDArray dx, INDArray dWx, INDArray dWr, INDArray db) {
        int t = i.length;
        long bs = x.size(1);
        long n = state0[0].size(1);
        INDArray p = b.reshape(1, b.length());
        INDArray gainX = cols(p, 4 * n, 8 * n), gainH = cols(p, 8 * n, 12 * n), gainC = cols(p, 12 * n, 13 * n);
        INDArray dZ = Nd4j.zeros(x.dataType(), t * bs, 4 * n);
        INDArray dh = Nd4j.zeros(x.dataType(), bs, n);
        INDArray dcNext = Nd4j.zeros(x.dataType(), bs, n);
        INDArray dGainH = Nd4j.zeros(x.dataType(), 1, 4 * n);
        INDArray dGainC = Nd4j.zeros(x.dataType(), 1, n);
        INDArray dShiftC = Nd4j.zeros(x.dataType(), 1, n);
        dWr.assign(0);
        for (int s = t - 1; s >= 0; s--) {
            INDArray dht = dLdh.get(NDArrayIndex.point(s), NDArrayIndex.all(), NDArrayIndex.all()).add(dh);
            INDArray one = Nd4j.onesLike(o[s]);
            INDArray dO = dht.mul(cellTanh[s]).muli(o[s]).muli(one.sub(o[s]));
            INDArray dCn = dht.mul(o[s]).muli(one.sub(cellTanh[s].mul(cellTanh[s]))); // dL/d(γc ⊙ LN(c') + βc)
            dShiftC.addi(dCn.sum(true, 0));
            dGainC.addi(dCn.mul(cellSide[s].value()).sum(true, 0));
            INDArray dc = cellSide[s].backward(dCn.mulRowVector(gainC)).addi(dcNext);
            INDArray di = dc.mul(g[s]).muli(i[s]).muli(one.sub(i[s]));
            INDArray df = dc.mul(cPrev[s]).muli(f[s]).muli(one.sub(f[s]));
            INDArray dg = dc.mul(i[s]).muli(one.sub(g[s].mul(g[s])));
            dcNext = dc.mul(f[s]);
            INDArrayIndex rows = NDArrayIndex.interval(s * bs, (s + 1) * bs);
            INDArray z = dZ.get(rows, NDArrayIndex.all());
            cols(z, 0, n).assign(di);
            cols(z, n, 2 * n).assign(df);
            cols(z, 2 * n, 3 * n).assign(dg);
            cols(z, 3 * n, 4 * n).assign(dO);
            dGainH.addi(z.mul(hiddenSide[s].value()).sum(true, 0));
            INDArray dHidden = hiddenSide[s].backward(z.mulRowVector(gainH)); // dL/d(h·Wr)
            dWr.addi(hPrev[s].transpose().mmul(dHidden));
            dh = dHidden.mmul(wr.transpose());
        }
        INDArray dbFlat = db.reshape(db.length());
        dbFlat.get(NDArrayIndex.interval(0, 4 * n)).assign(dZ.sum(0));
        dbFlat.get(NDArrayIndex.interval(4 * n, 8 * n)).assign(dZ.mul(inputSide.value()).sum(0));
        dbFlat.get(NDArrayIndex.interval(8 * n, 12 * n)).assign(dGainH.reshape(4 * n));
        dbFlat.get(NDArrayIndex.interval(12 * n, 13 * n)).assign(dGainC.reshape(n));
        dbFlat.get(NDArrayIndex.interval(13 * n, 14 * n)).assign(dShiftC.reshape(n));
        INDArray dU = inputSide.backward(dZ.mulRowVector(gainX));
        dWx.assign(x.reshape('c', t * bs, x.size(2)).transpose().mmul(dU));
        if (dx != null) dx.assign(dU.mmul(wx.transpose()).reshape('c', t, bs, x.size(2)));
    }

    private static INDArray cols(INDArray m, long from, long to) {
        return m.get(NDArrayIndex.all(), NDArrayIndex.interval(from, to));
    }
}
