using Jazari.Marketplace.Grains.Payments;
using Jazari.Marketplace.Web.Jobs;
using Jazari.Marketplace.Web.Payments;

namespace Jazari.Marketplace.Web.Extensions;

internal static class PaymentExtensions
{
    /// <summary>Payments: settings, the grains' payment rules, the bank-transfer rail (always) and Stripe (when its key is set).</summary>
    public static void AddMarketplacePayments(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var settings = PaymentSettings.From(builder.Configuration);
        services.AddSingleton(settings);
        services.AddSingleton(settings.Rules);
        services.AddSingleton<IPaymentRail, BankTransferRail>();
        var stripe = StripeSettings.From(builder.Configuration);
        services.AddSingleton(stripe);
        if (stripe.Enabled)
        {
            services.AddSingleton(stripe.Client());
            services.AddSingleton<StripeRail>();
            services.AddSingleton<IPaymentRail>(s => s.GetRequiredService<StripeRail>());
        }
        services.AddTransient<PaymentMoves>();
        services.AddTransient<PaymentJobs>();
        services.AddSingleton<IEngagementEvents, HangfireEngagementEvents>();
        services.AddTransient<EngagementEventJobs>();
        services.AddSingleton<IPayoutDetailsEvents, HangfirePayoutDetailsEvents>();
        services.AddTransient<PayoutDetailsJobs>();
        services.AddScoped<PayoutCommands>();
        services.AddTransient<MaturityJobs>();
        services.AddScoped<EngagementCommands>();
        services.AddScoped<PaymentAdminCommands>();
        services.AddScoped<BankStatementCommands>();
        services.AddScoped<ReceiptCommands>();
        services.AddScoped<ProgrammeCommands>();
        services.AddScoped<StripeCommands>();
    }
}
