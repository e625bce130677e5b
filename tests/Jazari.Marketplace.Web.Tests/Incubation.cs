using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;

namespace Jazari.Marketplace.Web.Tests;

/// <summary>An institute with its manager and a cohort, as an admin and a manager would set them up.</summary>
internal sealed record Programme(string InstituteId, Person Manager, string CohortId);

internal static class Incubation
{
    public static string Day(int fromToday) => DateTime.UtcNow.AddDays(fromToday).ToString("yyyy-MM-dd");

    public static async Task<string> InstituteAsync(MarketplaceHost host, string region = "Souss-Massa")
    {
        var id = $"inst-{Guid.NewGuid():N}"[..20];
        using var admin = host.Admin();
        await admin.CreateAsync("/api/admin/institutes", new { id, name = "Jazari " + region, region });
        return id;
    }

    public static async Task<Person> ManagerAsync(MarketplaceHost host, string instituteId, string language = "fr")
    {
        var email = $"manager-{Guid.NewGuid():N}@jazari.ma";
        using var admin = host.Admin();
        await admin.CreateAsync("/api/admin/accounts", new { email, role = "manager", displayName = "Manager", language, institutes = new[] { instituteId } });
        using var client = host.Anonymous();
        await (await client.PostAsJsonAsync("/api/auth/sign-in", new { email })).Json(HttpStatusCode.Accepted);
        var token = await (await client.PostAsJsonAsync("/api/auth/verify", new { email, code = host.LatestCode(email) })).Json(HttpStatusCode.OK);
        return new Person(email, token.GetProperty("accountId").GetString()!, host.WithToken(token.GetProperty("token").GetString()!));
    }

    public static object Cohort(string instituteId, int startsInDays = 30) => new
    {
        instituteId, name = "Cohorte Agadir 2027", startsOn = Day(startsInDays), endsOn = Day(startsInDays + 180),
        questions = new[] { "Quel problème résolvez-vous ?", "Qui sont vos clients ?" },
        rubric = new[] { new { name = "Équipe", weight = 3 }, new { name = "Marché", weight = 1 } },
        goals = new[] { new { what = "Premiers clients PME", unit = "clients", target = 5L, dueOn = Day(startsInDays + 90) } },
    };

    public static async Task<Programme> ProgrammeAsync(MarketplaceHost host, int startsInDays = 30)
    {
        var institute = await InstituteAsync(host);
        var manager = await ManagerAsync(host, institute);
        var cohort = await manager.Client.CreateAsync("/api/cohorts", Cohort(institute, startsInDays));
        return new Programme(institute, manager, cohort);
    }

    public static async Task<(Person Mentor, string MentorId)> MentorAsync(MarketplaceHost host, string[]? expertise = null)
    {
        var mentor = await host.SignUpAsync("mentor");
        var id = await mentor.Client.CreateAsync("/api/mentors",
            new { name = "Salma Idrissi", expertise = expertise ?? ["ecommerce", "woocommerce"], languages = new[] { "fr" }, capacity = 2 });
        return (mentor, id);
    }

    /// <summary>The manager invites the startup and the startup accepts: the only way in besides an admitted application.</summary>
    public static async Task AddMemberAsync(this Programme p, Person startup, string startupId)
    {
        var invitationId = await p.InviteAsync(startupId);
        await AcceptAsync(startup, invitationId);
    }

    /// <summary>The manager invites the startup; returns the invitation's id (the answer is 202, status "invited").</summary>
    public static async Task<string> InviteAsync(this Programme p, string startupId)
    {
        var sent = await (await p.Manager.Client.PostAsJsonAsync($"/api/cohorts/{p.CohortId}/members", new { startupId })).Json(HttpStatusCode.Accepted);
        Assert.Equal("invited", sent.GetProperty("status").GetString());
        return sent.GetProperty("invitationId").GetString()!;
    }

    public static async Task<JsonElement> AcceptAsync(Person startup, string invitationId) =>
        await (await startup.Client.PostAsync($"/api/me/invitations/{invitationId}/accept", null)).Json(HttpStatusCode.OK);

    public static async Task<JsonElement> DashboardAsync(this Programme p) =>
        await (await p.Manager.Client.GetAsync($"/api/cohorts/{p.CohortId}/dashboard")).Json(HttpStatusCode.OK);

    public static JsonElement Row(this JsonElement dashboard, string startupId) =>
        dashboard.GetProperty("startups").EnumerateArray().Single(r => r.GetProperty("startupId").GetString() == startupId);

    /// <summary>Deactivates every idle grain, so the next call reads its state back from storage.</summary>
    public static Task ReloadGrainsAsync(MarketplaceHost host) =>
        host.Services.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0).ForceActivationCollection(TimeSpan.Zero);
}
