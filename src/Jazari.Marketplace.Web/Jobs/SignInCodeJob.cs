using Hangfire;
using Jazari.Marketplace.Grains.Accounts;
using Jazari.Marketplace.Web.Email;

namespace Jazari.Marketplace.Web.Jobs;

/// <summary>
/// Sign-in codes are e-mailed during the request; when that fails (SendGrid down or slow) this job, first in
/// the queues, issues a fresh code and sends it. The code never enters Hangfire's storage.
/// </summary>
public sealed class SignInCodeJob(IGrainFactory grains, IEmailSender sender, [FromKeyedServices(Grains.Clock.Key)] TimeProvider time)
{
    [Queue(Queues.SignIn)]
    public async Task SendAsync(string email, string accountId, CancellationToken cancellation)
    {
        var account = await grains.GetGrain<IAccountGrain>(accountId).GetAsync();
        if (account is null) return;
        var code = await grains.GetGrain<ISignInGrain>(email).IssueCodeAsync();
        var message = SignInCodeEmail.Compose(email, account.DisplayName, code, account.Language, time.GetUtcNow())
            with { Key = $"sign-in:{Guid.NewGuid():N}" }; // each attempt mails its own fresh code
        await sender.SendAsync(message, cancellation);
    }
}
