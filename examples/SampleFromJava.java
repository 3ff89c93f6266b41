import org.charrnn.api.CharRnnModel;
import org.charrnn.api.Generation;
import org.charrnn.api.SampleRequest;

import java.nio.file.Path;

/**
 * Samples from a trained checkpoint and scores what it wrote, through charrnn's library API.
 * Run from the repository after a build (./charrnn ... or mvn package):
 *   java -cp 'core/target/charrnn.jar:core/target/lib/*' examples/SampleFromJava.java models/tinyshakespeare/best.zip "ROMEO:"
 */
public class SampleFromJava {
    public static void main(String[] args) {
        CharRnnModel model = CharRnnModel.load(Path.of(args[0]));
        String prime = args.length > 1 ? args[1] : "";
        Generation sample = model.sample(SampleRequest.builder().prime(prime).length(300).temperature(0.8).seed(42L).build());
        sample.forEachRemaining(System.out::print); // characters arrive one at a time, as they are drawn
        System.out.println();
        System.out.printf("%s, %d parameters, %.3f bits/char on the prime and its sample%n",
                model.info().cell(), model.info().parameters(), model.score(prime + model.sample(SampleRequest.builder()
                        .prime(prime).length(300).temperature(0.8).seed(42L).build()).text()).bitsPerChar());
    }
}
