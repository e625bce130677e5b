using Hangfire;
using Jazari.Marketplace.Grains.Needs;
using Jazari.Marketplace.Web.Auth;
using Jazari.Marketplace.Web.Email;
using Jazari.Marketplace.Web.Jobs;
using Jazari.Marketplace.Web.Notifications;

namespace Jazari.Marketplace.Web.Extensions;

internal static class NotificationExtensions
{
    /// <summary>E-mail (SendGrid when <c>SendGrid:ApiKey</c> is set, else the outbox), templates, what sends e-mails (the
    /// follow-up jobs, the sign-in codes and sign-up checks), the grains' event hand-over and the Hangfire dashboard's access.</summary>
    public static void AddMarketplaceNotifications(this WebApplicationBuilder builder, MarketplaceSettings marketplace)
    {
        var services = builder.Services;
        var settings = NotificationSettings.From(builder.Configuration);
        var sendGrid = SendGridSettings.From(builder.Configuration);
        services.AddSingleton(settings);
        services.AddSingleton(sendGrid);
        services.AddSingleton(provider => LinkSigner.From(settings, marketplace.DataDir, provider.GetRequiredService<StorageClients>()));
        services.AddSingleton<EmailTemplates>();
        if (sendGrid.ApiKey is { Length: > 0 }) services.AddSingleton<IEmailSender, SendGridSender>();
        else services.AddSingleton<IEmailSender>(new Outbox(marketplace.OutboxDir));
        services.AddSingleton<INeedEvents, HangfireNeedEvents>();
        services.AddSingleton<HangfireDashboardAccess>();
        services.AddTransient<Notifier>();
        services.AddTransient<StartupMatches>();
        services.AddTransient<NeedNotices>();
        services.AddTransient<NeedEventJobs>();
        services.AddTransient<NeedFollowUps>();
        services.AddTransient<FollowUpSweep>();
        services.AddTransient<DeliveryJobs>();
        services.AddTransient<WeeklyNeedsJob>();
        services.AddSingleton<SignInCodes>();
        services.AddSingleton(provider => SignUpNetworks.From(provider.GetRequiredService<IConfiguration>(), provider.GetRequiredService<LinkSigner>()));
        services.AddTransient<AuthCommands>();
        services.AddTransient<CohortDigestJob>();
        services.AddTransient<FiguresReminderJob>();
        services.AddHostedService<RecurringFollowUps>();
    }

    public static void MapMarketplaceDashboard(this WebApplication app)
    {
        var access = app.Services.GetRequiredService<HangfireDashboardAccess>();
        app.MapGet(HangfireDashboardAccess.EnterPath, (HttpContext context, string? code) => access.EnterAsync(context, code))
            .AllowAnonymous().ExcludeFromDescription();
        app.MapHangfireDashboard(HangfireDashboardAccess.Path, new DashboardOptions
        {
            Authorization = [access],
            DisplayStorageConnectionString = false,
        }, app.Services.GetRequiredService<JobStorage>());
    }
}

/// <summary>Registers the marketplace's recurring follow-ups at start (idempotent: AddOrUpdate by id; the cohorts' own are
/// <see cref="Jobs.CohortJobs"/>'s), and sweeps the follow-ups once (a host
/// that was killed may have left events not handed over).</summary>
internal sealed class RecurringFollowUps(IRecurringJobManager recurring, IBackgroundJobClient jobs, NotificationSettings settings) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        recurring.AddOrUpdate<WeeklyNeedsJob>("weekly-needs", j => j.RunAsync(), settings.WeeklyNeedsCron);
        recurring.RemoveIfExists("open-needs-sweep"); // replaced by the follow-up sweep, which covers every grain kind
        recurring.AddOrUpdate<FollowUpSweep>("follow-up-sweep", j => j.RunAsync(), settings.SweepCron);
        jobs.Enqueue<FollowUpSweep>(j => j.RunAsync());
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
