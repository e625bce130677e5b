using Jazari.Marketplace.Grains;
using System.Globalization;
using Jazari.Marketplace.Grains.Accounts;
using Jazari.Marketplace.Grains.Incubation;
using Jazari.Marketplace.Web.Email;

namespace Jazari.Marketplace.Web.Jobs;

/// <summary>
/// The weekly digest of a cohort to each manager of its institute, in their language. Reentrant: each
/// (week, manager) is recorded on the cohort once sent, so a retried run sends only what is missing.
/// </summary>
public sealed class CohortDigestJob(IGrainFactory grains, IEmailSender outbox, [FromKeyedServices(Grains.Clock.Key)] TimeProvider time)
{
    public Task RunAllAsync() => CohortJobs.ForEachCohortAsync(grains, RunAsync);

    public async Task RunAsync(string cohortId)
    {
        var now = time.GetUtcNow();
        var week = $"digest:{ISOWeek.GetYear(now.UtcDateTime)}-W{ISOWeek.GetWeekOfYear(now.UtcDateTime):00}";
        var cohort = grains.GetGrain<ICohortGrain>(cohortId);
        var dashboard = DashboardResponse.From(await cohort.GetDashboardAsync(Caller.Marketplace), now);
        var institute = await grains.GetGrain<IInstituteGrain>((await cohort.GetAsync(Caller.Marketplace)).InstituteId).GetAsync();
        foreach (var managerId in institute?.ManagerAccountIds ?? [])
        {
            var key = $"{week}:{managerId}";
            if (await cohort.HasToldAsync(key)) continue;
            if (await grains.GetGrain<IAccountGrain>(managerId).GetAsync() is not { } manager) continue;
            await outbox.SendAsync(IncubationEmails.Digest(manager.Email, manager.DisplayName, dashboard.Name, Lines(dashboard, manager.Language), manager.Language, now));
            await cohort.MarkToldAsync(key);
        }
    }

    public static IReadOnlyList<string> Lines(DashboardResponse d, string language)
    {
        var t = d.Totals;
        string Mad(long minor) => (minor / 100m).ToString("N0", CultureInfo.InvariantCulture) + " MAD";
        var labels = language switch
        {
            "ar" => new[] { "الشركات الناشئة", "العروض المقدمة", "العروض الفائزة", "رقم المعاملات المتعاقد عليه", "المبالغ المحررة", "جلسات التوجيه", "الأكثر فوزا" },
            "fr" => ["Startups", "Offres soumises", "Offres gagnées", "Chiffre contracté", "Montants versés", "Séances de mentorat", "Les plus actives"],
            "en" => ["Startups", "Bids submitted", "Bids won", "Revenue contracted", "Revenue released", "Mentor sessions", "Most wins"],
            _ => throw new ArgumentOutOfRangeException(nameof(language), language, "Unknown language."),
        };
        var leaders = d.Startups.Where(r => r.BidsWon > 0).OrderByDescending(r => r.BidsWon).Take(3).Select(r => $"{r.Name} ({r.BidsWon})");
        return
        [
            $"{labels[0]}: {t.Startups}", $"{labels[1]}: {t.BidsSubmitted}", $"{labels[2]}: {t.BidsWon}",
            $"{labels[3]}: {Mad(t.RevenueContractedMinor)}", $"{labels[4]}: {Mad(t.RevenueReleasedMinor)}",
            $"{labels[5]}: {t.MentorSessions}", $"{labels[6]}: {string.Join(", ", leaders)}",
        ];
    }
}
