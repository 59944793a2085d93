package dev.kerf.slicer.privacy;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Removes secrets from the manifest's own words (labels, sources, divergence points, origins)
 * before they are JSON-quoted: quoting can change a secret's bytes ({@code "} becomes {@code \"}),
 * which the raw-file scan would then miss.
 */
final class TextSanitizer {
    private final SecretSet secrets;

    TextSanitizer(SecretSet secrets) {
        this.secrets = secrets;
    }

    String clean(String s) {
        if (s == null || secrets.isEmpty()) return s;
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        Redaction r = new Redactor(secrets).redact(List.of(new Region("text", -1, b)));
        return r.occurrences() == 0 ? s : new String(b, StandardCharsets.UTF_8);
    }
}
