import org.bytedeco.dnnl.*;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;

import static org.bytedeco.dnnl.global.dnnl.*;

/**
 * What oneDNN's fused LSTM primitive (the 2.5 release ND4J's JavaCPP carries) takes for the recurrent
 * layers of one char-rnn minibatch (batch 50, segment 50): forward training, then backward with the
 * weights reordered into the layout backward wants, per layer, as a trainer using it would run them.
 * Run from the repository root after a build, with the thread count a training run gets:
 * {@code OMP_NUM_THREADS=2 java -cp "core/target/lib/*" scripts/OneDnnLstmPrimitive.java LAYERS UNITS INPUT}
 * (e.g. 2 128 65: tiny-shakespeare's 65 symbols, one-hot, into the first layer).
 */
public class OneDnnLstmPrimitive {
    static engine eng;
    static stream strm;

    static memory.desc md(memory.format_tag tag, long... dims) {
        return new memory.desc(new LongPointer(dims), memory.data_type.f32, tag);
    }

    static memory mem(memory.desc d) {
        memory m = new memory(d, eng);
        long n = d.get_size() / 4;
        FloatPointer p = new FloatPointer(m.get_data_handle());
        p.capacity(n);
        for (long i = 0; i < n; i++) p.put(i, (float) ((i * 2654435761L % 1000) / 1000.0 - 0.5) * 0.1f);
        return m;
    }

    static final class Layer {
        lstm_forward fwd;
        lstm_backward bwd;
        IntMemoryMap fargs = new IntMemoryMap();
        IntMemoryMap bargs = new IntMemoryMap();
        reorder wl, wi;
        memory fwl, fwi, bwl, bwi, dwl, dwi, db;

        Layer(long T, long N, long slc, long dic) {
            memory.format_tag any = memory.format_tag.any;
            memory.desc srcL = md(memory.format_tag.tnc, T, N, slc);
            memory.desc iter = md(memory.format_tag.ldnc, 1, 1, N, dic);
            memory.desc wL = md(any, 1, 1, slc, 4, dic);
            memory.desc wI = md(any, 1, 1, dic, 4, dic);
            memory.desc bias = md(memory.format_tag.ldgo, 1, 1, 4, dic);
            memory.desc dst = md(memory.format_tag.tnc, T, N, dic);
            lstm_forward.desc fd = new lstm_forward.desc(dnnl.prop_kind.forward_training, dnnl.rnn_direction.unidirectional_left2right,
                    srcL, iter, iter, wL, wI, bias, dst, iter, iter);
            lstm_forward.primitive_desc fpd = new lstm_forward.primitive_desc(fd, eng);
            lstm_backward.desc bd = new lstm_backward.desc(dnnl.prop_kind.backward, dnnl.rnn_direction.unidirectional_left2right,
                    srcL, iter, iter, wL, wI, bias, dst, iter, iter,
                    srcL, iter, iter, wL, wI, bias, dst, iter, iter);
            lstm_backward.primitive_desc bpd = new lstm_backward.primitive_desc(bd, eng, fpd);
            fwd = new lstm_forward(fpd);
            bwd = new lstm_backward(bpd);
            memory src = mem(fpd.src_layer_desc()), hi = mem(fpd.src_iter_desc()), ci = mem(fpd.src_iter_c_desc());
            fwl = mem(fpd.weights_layer_desc());
            fwi = mem(fpd.weights_iter_desc());
            memory b = mem(fpd.bias_desc());
            memory out = mem(fpd.dst_layer_desc()), ho = mem(fpd.dst_iter_desc()), co = mem(fpd.dst_iter_c_desc());
            memory ws = mem(fpd.workspace_desc());
            fargs.put(DNNL_ARG_SRC_LAYER, src); fargs.put(DNNL_ARG_SRC_ITER, hi); fargs.put(DNNL_ARG_SRC_ITER_C, ci);
            fargs.put(DNNL_ARG_WEIGHTS_LAYER, fwl); fargs.put(DNNL_ARG_WEIGHTS_ITER, fwi); fargs.put(DNNL_ARG_BIAS, b);
            fargs.put(DNNL_ARG_DST_LAYER, out); fargs.put(DNNL_ARG_DST_ITER, ho); fargs.put(DNNL_ARG_DST_ITER_C, co);
            fargs.put(DNNL_ARG_WORKSPACE, ws);
            bwl = mem(bpd.weights_layer_desc());
            bwi = mem(bpd.weights_iter_desc());
            System.out.println("  weights layouts fwd==bwd: " + fpd.weights_layer_desc().equals(bpd.weights_layer_desc()) + " "
                    + fpd.weights_iter_desc().equals(bpd.weights_iter_desc()));
            wl = new reorder(fwl, bwl);
            wi = new reorder(fwi, bwi);
            dwl = mem(bpd.diff_weights_layer_desc());
            dwi = mem(bpd.diff_weights_iter_desc());
            db = mem(bpd.diff_bias_desc());
            bargs.put(DNNL_ARG_SRC_LAYER, src); bargs.put(DNNL_ARG_SRC_ITER, hi); bargs.put(DNNL_ARG_SRC_ITER_C, ci);
            bargs.put(DNNL_ARG_WEIGHTS_LAYER, bwl); bargs.put(DNNL_ARG_WEIGHTS_ITER, bwi); bargs.put(DNNL_ARG_BIAS, b);
            bargs.put(DNNL_ARG_DST_LAYER, out); bargs.put(DNNL_ARG_DST_ITER, ho); bargs.put(DNNL_ARG_DST_ITER_C, co);
            bargs.put(DNNL_ARG_WORKSPACE, ws);
            bargs.put(DNNL_ARG_DIFF_SRC_LAYER, mem(bpd.diff_src_layer_desc()));
            bargs.put(DNNL_ARG_DIFF_SRC_ITER, mem(bpd.diff_src_iter_desc()));
            bargs.put(DNNL_ARG_DIFF_SRC_ITER_C, mem(bpd.diff_src_iter_c_desc()));
            bargs.put(DNNL_ARG_DIFF_WEIGHTS_LAYER, dwl); bargs.put(DNNL_ARG_DIFF_WEIGHTS_ITER, dwi); bargs.put(DNNL_ARG_DIFF_BIAS, db);
            bargs.put(DNNL_ARG_DIFF_DST_LAYER, mem(bpd.diff_dst_layer_desc()));
            bargs.put(DNNL_ARG_DIFF_DST_ITER, mem(bpd.diff_dst_iter_desc()));
            bargs.put(DNNL_ARG_DIFF_DST_ITER_C, mem(bpd.diff_dst_iter_c_desc()));
        }

        void forward() { fwd.execute(strm, fargs); }

        void backward() {
            wl.execute(strm, fwl, bwl);
            wi.execute(strm, fwi, bwi);
            for (memory m : new memory[]{dwl, dwi, db}) Pointer.memset(m.get_data_handle(), 0, m.get_desc().get_size());
            bwd.execute(strm, bargs);
        }
    }

    public static void main(String[] a) {
        long T = 50, N = 50;
        int layers = Integer.parseInt(a[0]);
        long h = Long.parseLong(a[1]);
        long in = Long.parseLong(a[2]);
        eng = new engine(engine.kind.cpu, 0);
        strm = new stream(eng);
        Layer[] ls = new Layer[layers];
        for (int l = 0; l < layers; l++) ls[l] = new Layer(T, N, l == 0 ? in : h, h);
        for (int round = 0; round < 4; round++) {
            long t0 = System.nanoTime();
            int n = 0;
            double fwdS = 0, bwdS = 0;
            while (System.nanoTime() - t0 < 3e9) {
                long a0 = System.nanoTime();
                for (Layer l : ls) l.forward();
                long a1 = System.nanoTime();
                for (int l = layers - 1; l >= 0; l--) ls[l].backward();
                strm._wait();
                fwdS += (a1 - a0) / 1e9;
                bwdS += (System.nanoTime() - a1) / 1e9;
                n++;
            }
            double s = (System.nanoTime() - t0) / 1e9 / n;
            System.out.printf("%d×%d (layer 1 input %d): %.2f ms a minibatch (forward %.2f, backward %.2f) = %,.0f chars/s for the recurrent layers%n",
                    layers, h, in, s * 1e3, fwdS / n * 1e3, bwdS / n * 1e3, T * N / s);
        }
    }
}
