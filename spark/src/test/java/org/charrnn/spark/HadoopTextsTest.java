package org.charrnn.spark;

import org.charrnn.data.DataException;
import org.charrnn.data.RemoteTexts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A text on a Hadoop file system is copied once, copied again when it changes, and refused in one line when it cannot be read. */
class HadoopTextsTest {
    @TempDir
    Path tmp;

    @Test
    void aRemoteTextIsCopiedOnceAndAgainWhenItChanges() throws Exception {
        Path remote = Files.writeString(tmp.resolve("corpus.txt"), "first version of the text\n");
        URI uri = remote.toUri(); // Hadoop's local file system stands in for HDFS: the same FileSystem calls
        Path copy = tmp.resolve("cache").resolve("corpus.txt");
        List<String> said = new ArrayList<>();
        HadoopTexts texts = new HadoopTexts();

        texts.fetch(uri, copy, said::add);
        assertEquals("first version of the text\n", Files.readString(copy));
        assertEquals(1, said.size(), "it said it read the file: " + said);
        texts.fetch(uri, copy, said::add);
        assertEquals(1, said.size(), "an unchanged file is not read again: " + said);

        Files.writeString(remote, "second, longer version of the text\n");
        Files.setLastModifiedTime(remote, FileTime.fromMillis(Files.getLastModifiedTime(remote).toMillis() + 5000));
        texts.fetch(uri, copy, said::add);
        assertEquals("second, longer version of the text\n", Files.readString(copy));
        assertEquals(2, said.size());
    }

    @Test
    void whatCannotBeReadIsNamedInOneLine() {
        HadoopTexts texts = new HadoopTexts();
        Path copy = tmp.resolve("c.txt");
        DataException missing = assertThrows(DataException.class, () -> texts.fetch(tmp.resolve("none.txt").toUri(), copy, s -> { }));
        assertEquals("data.input: '" + tmp.resolve("none.txt").toUri() + "' does not exist", missing.getMessage());
        DataException dir = assertThrows(DataException.class, () -> texts.fetch(tmp.toUri(), copy, s -> { }));
        assertTrue(dir.getMessage().contains("is a directory"), dir.getMessage());
        DataException scheme = assertThrows(DataException.class, () -> texts.fetch(URI.create("s3a://bucket/input.txt"), copy, s -> { }));
        assertEquals("data.input: 's3a://bucket/input.txt': no Hadoop file system for 's3a://' on the classpath (s3a:// needs"
                + " hadoop-aws and the AWS SDK: add their jars to spark-submit's --jars)", scheme.getMessage());
    }

    @Test
    void aRemoteInputStandsForItsCopyAndAFileUriForItsPath() {
        assertTrue(RemoteTexts.isRemote("hdfs://namenode:8020/corpora/linux.txt"));
        assertTrue(!RemoteTexts.isRemote("file:///data/x.txt") && !RemoteTexts.isRemote("data/x.txt"));
        Path local = RemoteTexts.local("hdfs://namenode:8020/corpora/linux.txt");
        assertTrue(local.startsWith(RemoteTexts.CACHE) && local.getFileName().toString().equals("linux.txt"), local.toString());
        assertEquals(Path.of("/data/x.txt"), RemoteTexts.local("file:///data/x.txt"));
    }
}
