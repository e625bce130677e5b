using Hangfire;
using Jazari.Marketplace.Grains.Needs;
using Jazari.Marketplace.Web.Email;
using Jazari.Marketplace.Web.Jobs;
using Jazari.Marketplace.Web.Notifications;

namespace Jazari.Marketplace.Web.Extensions;

internal static class NotificationExtensions
{
    /// <summary>E-mail (SendGrid when <c>SendGrid:ApiKey</c> is set, else the outbox), templates, jobs, and the grains' event hand-over.</summary>
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
        services.AddTransient<DeliveryJobs>();
        services.AddTransient<WeeklyNeedsJob>();
        services.AddTransient<SignInCodeJob>();
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

/// <summary>Registers the recurring jobs at start (idempotent: AddOrUpdate by id).</summary>
internal sealed class RecurringFollowUps(IRecurringJobManager recurring, NotificationSettings settings) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        recurring.AddOrUpdate<WeeklyNeedsJob>("weekly-needs", j => j.RunAsync(), settings.WeeklyNeedsCron);
        recurring.AddOrUpdate<NeedFollowUps>("open-needs-sweep", j => j.SweepAsync(), settings.SweepCron);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
