package io.patinox.validator.builtin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PiiRedactorTest {

    private final PiiRedactor all = new PiiRedactor(List.of(PiiKind.values()));

    private Map<PiiKind, Integer> found(String text) {
        return all.redact(text).found();
    }

    @ParameterizedTest
    @ValueSource(strings = { "4111 1111 1111 1111", "4111111111111111", "5500-0000-0000-0004", "378282246310005",
            "6011 1111 1111 1117", "5105105105105100", "3782 822463 10005" })
    void redactsLuhnValidCards(String card) {
        var r = all.redact("Charge card " + card + " please.");
        assertThat(r.found()).containsEntry(PiiKind.PAYMENT_CARD, 1).hasSize(1);
        assertThat(r.text()).isEqualTo("Charge card [payment-card] please.");
    }

    @ParameterizedTest
    @ValueSource(strings = { "4111 1111 1111 1112", "4111111111111110", "5500-0000-0000-0005", "1234 5678 9012 3456" })
    void keepsNumbersThatFailLuhn(String number) {
        assertThat(found("Reference " + number)).doesNotContainKey(PiiKind.PAYMENT_CARD);
    }

    @ParameterizedTest
    @ValueSource(strings = { "DE89 3704 0044 0532 0130 00", "DE89370400440532013000", "GB82 WEST 1234 5698 7654 32",
            "FR14 2004 1010 0505 0001 3M02 606", "NL91ABNA0417164300" })
    void redactsIbansWithValidChecksum(String iban) {
        var r = all.redact("Pay to " + iban + ", thanks");
        assertThat(r.found()).containsOnlyKeys(PiiKind.IBAN);
        assertThat(r.text()).isEqualTo("Pay to [iban], thanks");
    }

    @ParameterizedTest
    @ValueSource(strings = { "DE89 3704 0044 0532 0130 01", "GB83 WEST 1234 5698 7654 32", "NL91ABNA0417164301" })
    void keepsIbansWithBadChecksum(String iban) {
        assertThat(found("Pay to " + iban)).doesNotContainKey(PiiKind.IBAN);
    }

    @ParameterizedTest
    @ValueSource(strings = { "+49 30 1234567", "+1 (415) 555-2671", "(555) 123-4567", "555-123-4567", "+14155552671",
            "030 1234 5678", "+44 20 7946 0958", "555.123.4567" })
    void redactsPhoneNumbers(String phone) {
        var r = all.redact("Call me at " + phone + " tomorrow.");
        assertThat(r.found()).containsOnlyKeys(PiiKind.PHONE);
        assertThat(r.text()).isEqualTo("Call me at [phone] tomorrow.");
    }

    @Test
    void redactsEmailAddresses() {
        var r = all.redact("Write to jane.doe@example.com or ops+alerts@mail.example.co.uk.");
        assertThat(r.found()).containsEntry(PiiKind.EMAIL, 2);
        assertThat(r.text()).isEqualTo("Write to [email] or [email].");
    }

    @Test
    void redactsSocialSecurityNumbers() {
        assertThat(all.redact("SSN 123-45-6789.").text()).isEqualTo("SSN [national-id].");
        assertThat(found("SSN 000-45-6789")).doesNotContainKey(PiiKind.NATIONAL_ID);
    }

    @ParameterizedTest
    @ValueSource(strings = { "sk-proj-4f9Qz8LmN2xV7bT1cR5yH3kJ6wE0aPdS", "sk-abcdefghijklmnopqrstuvwxyz123456",
            "AKIAIOSFODNN7EXAMPLE", "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789", "xoxb-1234567890-abcdefghij",
            "AIzaSyA1234567890abcdefghijklmnopqrstuv" })
    void redactsApiKeys(String key) {
        var r = all.redact("key: " + key + " end");
        assertThat(r.found()).containsOnlyKeys(PiiKind.SECRET);
        assertThat(r.text()).doesNotContain(key);
    }

    @Test
    void redactsPrivateKeyBlocksAndAssignedSecrets() {
        String pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7v\n-----END RSA PRIVATE KEY-----";
        assertThat(all.redact("Here: " + pem + " done").text()).isEqualTo("Here: [secret] done");
        assertThat(all.redact("password=hunter2hunter2").text()).isEqualTo("password=[secret]");
    }

    @ParameterizedTest
    @ValueSource(strings = { "17 × 23 = 391.", "Order 1234567890 shipped on 2024-01-15 at 10:30.",
            "Server 192.168.1.10 runs version 1.2.3.", "Total: 1,250.00 EUR for 3 items.", "Invoice 2024-0042 is due.",
            "Pi is 3.14159265358979.", "ISBN 978-3-16-148410-0", "The year 1999 had 365 days.",
            "Refund of 900 EUR for order 1234.", "Meet at 14:30 on 25.11.2026.", "Population: 83 200 000 people",
            "Use sk-learn for that.", "The token budget is 4096.",
            "The account reads DE89 3704 0044 0532 0130 01 in the old form.",
            "Tracking 3704 00 4405 3201 3001 is on its way." })
    void leavesBenignTextWithNumbersAlone(String text) {
        var r = all.redact(text);
        assertThat(r.found()).isEmpty();
        assertThat(r.text()).isEqualTo(text);
    }
}
