package org.charrnn.checkpoint;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;

/** The one JSON mapper for checkpoint metadata: snake_case, strict about unknown fields. */
final class Json {
    static final ObjectMapper MAPPER = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .registerModule(new com.fasterxml.jackson.databind.module.SimpleModule("base64 floats")
                    .addSerializer(float[].class, new Base64Floats.Writer())
                    .addDeserializer(float[].class, new Base64Floats.Reader()));

    private Json() {}

    /** float32 arrays as little-endian base64 in state.json: exact, and a third of the size of decimal text. */
    static final class Base64Floats {
        private Base64Floats() {}

        static final class Writer extends com.fasterxml.jackson.databind.JsonSerializer<float[]> {
            @Override
            public void serialize(float[] v, com.fasterxml.jackson.core.JsonGenerator gen,
                                  com.fasterxml.jackson.databind.SerializerProvider provider) throws java.io.IOException {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(v.length * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
                b.asFloatBuffer().put(v);
                gen.writeString(java.util.Base64.getEncoder().encodeToString(b.array()));
            }
        }

        static final class Reader extends com.fasterxml.jackson.databind.JsonDeserializer<float[]> {
            @Override
            public float[] deserialize(com.fasterxml.jackson.core.JsonParser p,
                                       com.fasterxml.jackson.databind.DeserializationContext ctx) throws java.io.IOException {
                byte[] bytes;
                try {
                    bytes = java.util.Base64.getDecoder().decode(p.getValueAsString(""));
                } catch (IllegalArgumentException e) {
                    throw com.fasterxml.jackson.databind.JsonMappingException.from(p, "carried state is not base64");
                }
                if (bytes.length % 4 != 0) {
                    throw com.fasterxml.jackson.databind.JsonMappingException.from(p, "carried state holds " + bytes.length
                            + " bytes, not whole float32 values");
                }
                float[] v = new float[bytes.length / 4];
                java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
                return v;
            }
        }
    }
}
