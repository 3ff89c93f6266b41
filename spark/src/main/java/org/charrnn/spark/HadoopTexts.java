package org.charrnn.spark;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.charrnn.data.DataException;
import org.charrnn.data.RemoteTexts;
import org.charrnn.files.AtomicFiles;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * A data.input on a cluster's storage (hdfs://, s3a://, any scheme Hadoop's FileSystem has a
 * client for on the classpath), read by the driver into its local copy; a small note beside the copy
 * records the remote file's length and modification time, so an unchanged file is not read again.
 * Hadoop settings come from the classpath's core-site.xml and, as with Spark, spark.hadoop.* properties.
 */
public final class HadoopTexts implements RemoteTexts.Fetcher {
    @Override
    public void fetch(URI uri, Path copy, Consumer<String> say) {
        Configuration conf = new Configuration();
        System.getProperties().stringPropertyNames().stream().filter(k -> k.startsWith("spark.hadoop."))
                .forEach(k -> conf.set(k.substring("spark.hadoop.".length()), System.getProperty(k)));
        FileSystem fs;
        try {
            fs = fileSystem(uri, conf);
        } catch (org.apache.hadoop.fs.UnsupportedFileSystemException e) {
            throw new DataException("data.input: '" + uri + "': no Hadoop file system for '" + uri.getScheme() + "://' on the"
                    + " classpath (s3a:// needs hadoop-aws and the AWS SDK: add their jars to spark-submit's --jars)");
        } catch (IOException e) {
            throw new DataException("data.input: '" + uri + "': cannot reach its file system: " + firstLine(e));
        }
        org.apache.hadoop.fs.Path remote = new org.apache.hadoop.fs.Path(uri);
        FileStatus status;
        try {
            status = fs.getFileStatus(remote);
        } catch (java.io.FileNotFoundException e) {
            throw new DataException("data.input: '" + uri + "' does not exist");
        } catch (IOException e) {
            throw new DataException("data.input: '" + uri + "': " + firstLine(e));
        }
        if (status.isDirectory()) {
            throw new DataException("data.input: '" + uri + "' is a directory; give its files (a list under data.input), or copy it"
                    + " here: a local directory is read whole");
        }
        String stamp = uri + "\n" + status.getLen() + "\n" + status.getModificationTime() + "\n";
        Path note = copy.resolveSibling(copy.getFileName() + ".source");
        try {
            if (Files.exists(copy) && Files.exists(note) && Files.readString(note).equals(stamp)) return;
            Files.createDirectories(copy.getParent());
            say.accept(String.format(Locale.ROOT, "data.input: reading %s (%,d bytes) into %s", uri, status.getLen(), copy));
            AtomicFiles files = new AtomicFiles(AtomicFiles.DEFAULT);
            try (FSDataInputStream in = fs.open(remote)) {
                files.write(copy, out -> in.transferTo(out));
            }
            files.write(note, stamp.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new DataException("data.input: '" + uri + "': reading it into " + copy + " failed: " + firstLine(e));
        }
    }

    /** Hadoop names a client for s3a:// and others in its defaults, and throws a RuntimeException when its class is absent. */
    private static FileSystem fileSystem(URI uri, Configuration conf) throws IOException {
        try {
            return FileSystem.get(uri, conf);
        } catch (RuntimeException e) {
            if (e.getCause() instanceof ClassNotFoundException) {
                throw new org.apache.hadoop.fs.UnsupportedFileSystemException(e.getMessage());
            }
            throw e;
        }
    }

    private static String firstLine(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
