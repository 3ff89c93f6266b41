package org.charrnn.data;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.ServiceLoader;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * A data.input given as a URI: file:// is a local path; any other scheme (hdfs://, s3a://, ...) is
 * read by a {@link Fetcher} (the spark module's, through Hadoop's FileSystem) into a local copy in
 * .charrnn-cache/remote/, which the run then reads like any file (memory-mapped when large). The copy
 * is taken again when the remote file's length or modification time change.
 */
public final class RemoteTexts {
    /** Where remote texts are copied, under the working directory. */
    public static final Path CACHE = Path.of(".charrnn-cache", "remote");
    private static final Pattern URI_SCHEME = Pattern.compile("[a-zA-Z][a-zA-Z0-9+.-]*://.*");

    /** Copies a remote text to a local file; registered in META-INF/services. */
    public interface Fetcher {
        /** Makes {@code copy} hold the text at {@code uri} (taking it again only when it changed), saying what it does. */
        void fetch(URI uri, Path copy, Consumer<String> say);
    }

    private RemoteTexts() {}

    /** True for an input written as a URI with a scheme other than file://. */
    public static boolean isRemote(String input) {
        return URI_SCHEME.matcher(input).matches() && !input.startsWith("file:");
    }

    /** The local path an input stands for: itself, a file:// URI's path, or a remote text's copy. */
    public static Path local(String input) {
        if (input.startsWith("file://")) return Path.of(URI.create(input));
        if (!isRemote(input)) return Path.of(input);
        URI uri = URI.create(input);
        String name = Path.of(uri.getPath().isEmpty() ? "/input.txt" : uri.getPath()).getFileName().toString();
        return CACHE.resolve(digest(input)).resolve(name);
    }

    /** Brings the local copy of a remote input up to date. */
    public static void fetch(String input, Consumer<String> say) {
        Fetcher fetcher = ServiceLoader.load(Fetcher.class).findFirst().orElseThrow(() -> new DataException("data.input: '" + input
                + "' is read through Hadoop's FileSystem, which is in the spark module: run ./charrnn with"
                + " distributed.workers above 0 (it puts spark/ on the classpath), or spark-submit; or copy the file here"));
        fetcher.fetch(URI.create(input), local(input), say);
    }

    private static String digest(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
