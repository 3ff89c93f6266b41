package org.charrnn.model.kernel;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.ShortPointer;
import org.bytedeco.dnnl.const_dnnl_op_desc_t;
import org.bytedeco.dnnl.dnnl_engine;
import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_matmul_desc_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc_t;
import org.bytedeco.dnnl.dnnl_post_ops;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.dnnl.dnnl_stream;

import static org.bytedeco.dnnl.global.dnnl.*;

/**
 * One product shape on oneDNN's matmul primitive: C [m, n] (+)= op(A) [m, k] · B [k, n] with A and
 * B in bfloat16 and C in float32 (accumulated in float32), A read transposed when asked, every
 * operand row-major with its own leading dimension. The primitive is built once; each call points
 * it at new memory. One per thread: it carries its own stream and memory objects.
 */
final class Bf16Matmul {
    private static dnnl_engine engine;

    private final dnnl_primitive primitive;
    private final dnnl_stream stream = new dnnl_stream();
    private final dnnl_memory a = new dnnl_memory();
    private final dnnl_memory b = new dnnl_memory();
    private final dnnl_memory c = new dnnl_memory();
    private final dnnl_exec_arg_t args = new dnnl_exec_arg_t(3);

    Bf16Matmul(long m, long k, long n, long lda, boolean transposeA, long ldb, long ldc, boolean accumulate) {
        dnnl_engine e = engine();
        dnnl_memory_desc_t ad = desc(dnnl_bf16, new long[]{m, k}, transposeA ? new long[]{1, lda} : new long[]{lda, 1});
        dnnl_memory_desc_t bd = desc(dnnl_bf16, new long[]{k, n}, new long[]{ldb, 1});
        dnnl_memory_desc_t cd = desc(dnnl_f32, new long[]{m, n}, new long[]{ldc, 1});
        dnnl_matmul_desc_t op = new dnnl_matmul_desc_t();
        check(dnnl_matmul_desc_init(op, ad, bd, null, cd), "matmul descriptor");
        dnnl_primitive_attr attr = null;
        if (accumulate) {
            attr = new dnnl_primitive_attr();
            check(dnnl_primitive_attr_create(attr), "attributes");
            dnnl_post_ops sum = new dnnl_post_ops();
            check(dnnl_post_ops_create(sum), "post-ops");
            check(dnnl_post_ops_append_sum(sum, 1f), "sum post-op");
            check(dnnl_primitive_attr_set_post_ops(attr, sum), "post-ops");
            dnnl_post_ops_destroy(sum);
        }
        dnnl_primitive_desc pd = new dnnl_primitive_desc();
        check(dnnl_primitive_desc_create(pd, new const_dnnl_op_desc_t(op), attr, e, null), "bf16 matmul (this CPU may lack it)");
        if (attr != null) dnnl_primitive_attr_destroy(attr);
        primitive = new dnnl_primitive();
        check(dnnl_primitive_create(primitive, pd), "matmul primitive");
        dnnl_primitive_desc_destroy(pd);
        check(dnnl_stream_create(stream, e, dnnl_stream_default_flags), "stream");
        Pointer none = new Pointer();
        check(dnnl_memory_create(a, ad, e, none), "memory");
        check(dnnl_memory_create(b, bd, e, none), "memory");
        check(dnnl_memory_create(c, cd, e, none), "memory");
        args.position(0).arg(DNNL_ARG_SRC).memory(a);
        args.position(1).arg(DNNL_ARG_WEIGHTS).memory(b);
        args.position(2).arg(DNNL_ARG_DST).memory(c);
        args.position(0);
    }

    /** Whether this CPU runs bf16 products (a primitive can be built for them). */
    static boolean available() {
        try {
            new Bf16Matmul(2, 2, 2, 2, false, 2, 2, false);
            return true;
        } catch (RuntimeException | LinkageError e) {
            return false;
        }
    }

    /** Runs the product on operands at these positions (A and B bf16, C float32). */
    void run(ShortPointer aData, ShortPointer bData, FloatPointer cData) {
        check(dnnl_memory_set_data_handle(a, bytes(aData, 2)), "operand");
        check(dnnl_memory_set_data_handle(b, bytes(bData, 2)), "operand");
        check(dnnl_memory_set_data_handle(c, bytes(cData, 4)), "operand");
        check(dnnl_primitive_execute(primitive, stream, 3, args), "matmul");
        check(dnnl_stream_wait(stream), "matmul");
    }

    /** A void* argument is offset by its position in bytes: a typed pointer's position counts its elements. */
    private static Pointer bytes(Pointer typed, long elementBytes) {
        Pointer p = new Pointer(typed);
        return p.position(typed.position() * elementBytes);
    }

    private static synchronized dnnl_engine engine() {
        if (engine == null) {
            dnnl_engine e = new dnnl_engine();
            check(dnnl_engine_create(e, dnnl_cpu, 0), "engine");
            engine = e;
        }
        return engine;
    }

    private static dnnl_memory_desc_t desc(int type, long[] dims, long[] strides) {
        dnnl_memory_desc_t d = new dnnl_memory_desc_t();
        check(dnnl_memory_desc_init_by_strides(d, dims.length, new LongPointer(dims), type, new LongPointer(strides)), "memory descriptor");
        return d;
    }

    private static void check(int status, String what) {
        if (status != 0) throw new IllegalStateException("oneDNN " + what + " failed (status " + status + ")");
    }
}
