package dev.fanout.sample.email;

/**
 * What a {@link WelcomeMailer} did with a message: the output of the {@code send-email}
 * step.
 *
 * @param to the recipient
 * @param subject the subject
 * @param via how it was delivered: {@code smtp}, or {@code local stand-in (not sent)}
 * @since 0.1.0
 */
public record EmailReceipt(String to, String subject, String via) {

}
