import org.bytedeco.pytorch.global.torch;

/**
 * The libtorch peer with CPU autocast to bfloat16, as torch.autocast("cpu", dtype=torch.bfloat16)
 * around a Python training step: the ops autocast lists (the matrix products, oneDNN's RNN) run in
 * bf16, the rest (the loss, the optimizer) in float32. Autocast is the calling thread's state, and the
 * peer trains on the thread that calls its main. Built beside LibtorchCharRnn by charrnn bench --peer.
 */
public final class AutocastBf16CharRnn {
    public static void main(String[] args) throws Exception {
        // The peer's own first step (see its main): every native file in the cache before torch loads.
        org.bytedeco.javacpp.Loader.cacheResources(LibtorchCharRnn.class,
                "/org/bytedeco/pytorch/" + org.bytedeco.javacpp.Loader.getPlatform() + "/");
        torch.set_autocast_enabled(torch.DeviceType.CPU, true);
        torch.set_autocast_dtype(torch.DeviceType.CPU, torch.ScalarType.BFloat16);
        System.out.println("# autocast: cpu " + torch.is_autocast_enabled(torch.DeviceType.CPU) + ", dtype "
                + torch.get_autocast_dtype(torch.DeviceType.CPU));
        LibtorchCharRnn.main(args);
    }
}
