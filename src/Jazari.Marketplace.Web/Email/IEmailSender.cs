namespace Jazari.Marketplace.Web.Email;

/// <summary>
/// Sends one e-mail: to SendGrid when <c>SendGrid:ApiKey</c> is set, else to the file outbox. Throws when the
/// message was not accepted, so the Hangfire job that called it is retried; never swallows a failure.
/// </summary>
public interface IEmailSender
{
    Task SendAsync(OutgoingEmail email, CancellationToken cancellation = default);
}
