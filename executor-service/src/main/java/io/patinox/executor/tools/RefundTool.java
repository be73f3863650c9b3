package io.patinox.executor.tools;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Locale;
import java.util.Map;

/**
 * {@code refund}: records a refund request for an order. A demo tool with a real effect in a real
 * deployment, which is why policies watch it; here it only confirms what it would do.
 */
@ApplicationScoped
public class RefundTool extends DeclaredTool {

    public RefundTool() {
        super("refund", "Refund an order. Arguments: orderId (string), amount (number), currency (ISO code).",
                new Parameter("orderId", "string", "the order to refund", true),
                new Parameter("amount", "number", "the amount to refund", true),
                new Parameter("currency", "string", "ISO 4217 currency code, default EUR", false));
    }

    @Override
    public String execute(Map<String, Object> arguments) {
        Object orderId = arguments.get("orderId");
        Object amount = arguments.get("amount");
        Object currency = arguments.getOrDefault("currency", "EUR");
        if (orderId == null || !(amount instanceof Number n) || n.doubleValue() <= 0) {
            throw needs("'orderId' and a positive numeric 'amount'", arguments);
        }
        return String.format(Locale.ROOT, "Refund of %s %s for order %s recorded.", amount, currency, orderId);
    }
}
