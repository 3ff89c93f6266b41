package org.charrnn.cli;

import org.charrnn.testing.TestTexts;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs every row of docs/errors.md whose command core has and checks exit code and message word for word
 * (bench/'s tests run its rows).
 * {@code -Derrors.record=true} rewrites the table's exit and message columns from what the
 * commands print (review the diff before committing).
 */
class ErrorCatalogueTest {
    private static final Path DOC = Path.of("docs/errors.md");
    @TempDir
    static Path t;

    record Row(String id, String situation, String command, String exit, String message, int line) {}

    @BeforeAll
    static void fixtures() throws IOException, InterruptedException {
        Path text = TestTexts.write(t, "text.txt", TestTexts.grammar(6000, 4));
        Files.writeString(t.resolve("tiny.yaml"), String.join("\n", "data:", "  input: " + text, "  train_frac: 0.9",
                "  val_frac: 0.1", "model:", "  rnn_size: 16", "  num_layers: 1", "train:", "  batch_size: 4",
                "  seq_length: 16", "  max_epochs: 1", "  eval_val_every: 50", "  print_every: 1000",
                "  checkpoint_dir: " + t.resolve("run"), ""));
        CliRunner.Result trained = CliRunner.run("train", t.resolve("tiny.yaml").toString());
        assertEquals(0, trained.code(), trained.err());
        Path last = t.resolve("run/last.zip");
        byte[] good = Files.readAllBytes(last);

        Files.writeString(t.resolve("reversed.txt"), new StringBuilder(Files.readString(text)).reverse().toString());
        Files.createDirectories(t.resolve("copy"));
        Files.write(t.resolve("copy/last.zip"), good); // the same run's checkpoint, copied elsewhere
        Files.createDirectories(t.resolve("bestonly"));
        Files.write(t.resolve("bestonly/best.zip"), good); // a run whose last.zip is gone
        Files.copy(t.resolve("run/metrics.jsonl"), t.resolve("bestonly/metrics.jsonl"));
        assertEquals(0, new ProcessBuilder("mkfifo", t.resolve("fifo").toString()).start().waitFor(), "mkfifo");
        Files.writeString(t.resolve("twice.yaml"), "train:\n  batch_size: 4\nmodel:\n  rnn_size: 8\ntrain:\n  seq_length: 9\n");
        Files.writeString(t.resolve("empty.yaml"), "");
        Files.writeString(t.resolve("twodocs.yaml"), "train:\n  batch_size: 4\n---\ntrain:\n  batch_size: 8\n");
        Files.writeString(t.resolve("hex.yaml"), "train:\n  seed: 0x1F\n");
        Files.write(t.resolve("utf16.txt"), "plain words in UTF-16\n".repeat(40).getBytes(StandardCharsets.UTF_16LE));
        Files.createDirectories(t.resolve("foreign"));
        Files.writeString(t.resolve("foreign/metrics.jsonl"), "my own notes, not a run's metrics\n");
        Files.createDirectories(t.resolve("bin"));
        Files.write(t.resolve("bin/data.bin"), new byte[]{'P', 'K', 3, 4, (byte) 0x9C, 0, 0, 0}); // the start of a zip
        Files.createDirectories(t.resolve("foreign2"));
        Files.writeString(t.resolve("foreign2/samples.txt"), "a poem I wrote myself\n");
        Files.writeString(t.resolve("notyaml.yaml"), "train: [1, 2\nmodel: {");
        Files.writeString(t.resolve("list.yaml"), "- a\n- b\n");
        Files.writeString(t.resolve("typo.yaml"), "train:\n  batch_szie: 3\n");
        Files.writeString(t.resolve("section.yaml"), "optim:\n  lr: 1\n");
        Files.writeString(t.resolve("octal.yaml"), "train:\n  seed: 040\n");
        Files.writeString(t.resolve("inf.yaml"), "train:\n  learning_rate: .inf\n");
        Files.writeString(t.resolve("yes.yaml"), "name: yes\n");
        Files.writeString(t.resolve("alias.yaml"), "data:\n  input: &t text.txt\nsample:\n  prime: *t\n");
        Files.write(t.resolve("empty.txt"), new byte[0]);
        Files.write(t.resolve("bom.txt"), new byte[]{(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        Files.write(t.resolve("bad.txt"), new byte[]{'o', 'k', ' ', (byte) 0xFF, '!'});
        Files.writeString(t.resolve("small.txt"), "hello world, too short.\n");
        Files.writeString(t.resolve("one.txt"), "a".repeat(3000));
        Files.writeString(t.resolve("other.txt"), "The Zebra #1 sees the moon.\n".repeat(50));
        Files.writeString(t.resolve("occupied"), "a file where a directory should be");
        Files.createDirectories(t.resolve("d84/samples.txt")); // samples.txt cannot be written: a directory holds its name
        Files.write(t.resolve("empty.zip"), new byte[0]);
        Files.write(t.resolve("half.zip"), Arrays.copyOf(good, good.length / 2));
        byte[] random = new byte[4096];
        new java.util.Random(7).nextBytes(random);
        Files.write(t.resolve("random.zip"), random);
        Files.writeString(t.resolve("text.zip"), "not a zip at all");
        ModelSerializer.writeModel(org.charrnn.checkpoint.CheckpointReader.read(last, true).graph(),
                t.resolve("plain.zip").toFile(), true);
        rewrite(last, t.resolve("future.zip"), "charrnn/manifest.json",
                b -> new String(b, StandardCharsets.UTF_8).replace("\"format_version\" : 1", "\"format_version\" : 9")
                        .getBytes(StandardCharsets.UTF_8));
        rewrite(last, t.resolve("flipped.zip"), "coefficients.bin", b -> {
            b[b.length - 5] ^= 0x10;
            return b;
        });
    }

    private static void rewrite(Path src, Path dst, String entry, java.util.function.UnaryOperator<byte[]> change)
            throws IOException {
        try (ZipFile z = new ZipFile(src.toFile()); ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(dst))) {
            for (ZipEntry e : java.util.Collections.list(z.entries())) {
                byte[] b = z.getInputStream(e).readAllBytes();
                out.putNextEntry(new ZipEntry(e.getName()));
                out.write(e.getName().equals(entry) ? change.apply(b) : b);
                out.closeEntry();
            }
        }
    }

    static List<Row> rows() throws IOException {
        List<Row> rows = new ArrayList<>();
        List<String> lines = Files.readAllLines(DOC);
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (!l.startsWith("| E")) continue;
            String[] c = l.substring(1, l.length() - 1).split("(?<!\\\\)\\|", -1);
            rows.add(new Row(c[0].trim(), c[2].trim(), unquote(c[3]), c[4].trim(), unquote(c[5]), i));
        }
        return rows;
    }

    private static String unquote(String cell) {
        String s = cell.trim();
        if (s.startsWith("`") && s.endsWith("`") && s.length() >= 2) s = s.substring(1, s.length() - 1);
        return s.replace("\\|", "|");
    }

    /** The command a row runs: its first word. */
    static String verb(Row row) {
        return row.command().split(" ")[0];
    }

    /**
     * Every row but bench's, which run in bench/'s tests (through {@link #check}), where the bench
     * module is on the classpath.
     */
    @TestFactory
    Stream<DynamicTest> everyDocumentedMistake() throws IOException {
        List<Row> rows = rows();
        assertTrue(rows.size() >= 40, "the catalogue has " + rows.size() + " rows");
        boolean benchHere = Main.commands().stream().anyMatch(c -> c.name().equals("bench"));
        boolean record = Boolean.getBoolean("errors.record");
        List<String> doc = record ? new ArrayList<>(Files.readAllLines(DOC)) : null;
        return rows.stream().filter(row -> benchHere || !verb(row).equals("bench"))
                .map(row -> DynamicTest.dynamicTest(row.id() + " " + row.situation(), () -> check(row, t, doc)));
    }

    /**
     * Runs one row with $T standing for {@code tmp} and checks its exit code and its one line, word for
     * word; with {@code doc} given, rewrites the row's exit and message columns from what it printed.
     */
    static void check(Row row, Path tmp, List<String> doc) throws IOException {
        String[] args = row.command().replace("$T", tmp.toString()).split(" ");
        CliRunner.Result r = CliRunner.run(args);
        String actual = r.err().strip().replace(tmp.toString(), "$T");
        assertFalse(r.err().contains("\tat "), "no stack trace: " + r.err());
        assertEquals(1, r.err().strip().lines().count(), "one line: " + r.err());
        String message = actual.startsWith("charrnn: ") ? actual.substring(9) : actual;
        if (doc != null) {
            doc.set(row.line(), "| " + row.id() + " | " + doc.get(row.line()).split("(?<!\\\\)\\|")[2].trim() + " | "
                    + row.situation() + " | `" + row.command() + "` | " + r.code() + " | `" + message.replace("|", "\\|") + "` |");
            Files.write(DOC, doc);
            return;
        }
        assertEquals(row.exit(), Integer.toString(r.code()), "exit code of " + row.id() + "; said: " + message);
        assertEquals(row.message(), message, row.id());
    }
}
