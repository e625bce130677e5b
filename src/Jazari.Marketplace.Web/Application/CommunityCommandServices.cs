namespace Jazari.Marketplace.Web.Application;

/// <summary>The command services of profiles, incubation, conversations, reviews, privacy, digital maturity and administration, registered once.</summary>
public static class CommunityCommandServices
{
    public static IServiceCollection AddCommunityCommands(this IServiceCollection services) => services
        .AddSingleton<ProfileCommands>()
        .AddSingleton<CohortCommands>()
        .AddSingleton<Jobs.CohortFollowUps>()
        .AddSingleton<Grains.Incubation.ICohortEvents, Jobs.HangfireCohortEvents>()
        .AddSingleton<EvaluatorCommands>()
        .AddSingleton<StartupProgressCommands>()
        .AddSingleton<InstituteCommands>()
        .AddSingleton<ConversationCommands>()
        .AddSingleton<Grains.Conversations.IConversationNotices, Jobs.HangfireConversationNotices>()
        .AddSingleton<ReviewCommands>()
        .AddSingleton<PrivacyCommands>()
        .AddSingleton<NotificationCommands>()
        .AddSingleton<AdminCommands>()
        .AddSingleton<MatchCommands>()
        .AddSingleton<Maturity.QuestionnaireSource>()
        .AddSingleton<MaturityCommands>();
}
