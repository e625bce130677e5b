using Jazari.Marketplace.Grains.Needs;
using Jazari.Marketplace.Web.Jobs;

namespace Jazari.Marketplace.Web.Extensions;

internal static class ExpertReviewExtensions
{
    /// <summary>Expert opinions: the commands, their settings (section <c>ExpertReviews</c>), the jobs and the grains' event hand-over.</summary>
    public static void AddExpertReviews(this IServiceCollection services, IConfiguration config)
    {
        services.AddSingleton(ExpertReviewSettings.From(config));
        services.AddSingleton<IExpertReviewEvents, HangfireExpertReviewEvents>();
        services.AddTransient<ExpertReviewCommands>();
        services.AddTransient<ExpertReviewJobs>();
    }
}
