using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Jazari.Marketplace.Grains.Notifications;
using Jazari.Marketplace.Web.Notifications;
using Microsoft.Playwright;
using K = Jazari.Marketplace.Grains.Notifications.NotificationKinds;

namespace Jazari.Marketplace.Web.Tests.Pages;

/// <summary>
/// Every kind of e-mail of <see cref="NotificationCatalogue"/>, rendered for each role that receives it with the
/// links the marketplace puts in it (the host's own address), and every link opened in the browser as that reader:
/// signed out, it asks to sign in and comes back there; signed in, it is a page (200, HTML), never a 404 or JSON.
/// </summary>
[Collection(SecondBrowserCollection.Name)]
public sealed partial class EmailLinksTests(BrowserHost host)
{
    /// <summary>Who receives each kind (see the notifications table of the README); a new kind fails until it is added.</summary>
    private static readonly Dictionary<string, string[]> Recipients = new()
    {
        [K.SignInCode] = [], // a code, no link
        [K.NoAccount] = ["anonymous"],
        [K.AccountInvitation] = ["manager"],
        [K.NeedMatch] = ["startup"],
        [K.FewBids] = ["sme"],
        [K.BidReceived] = ["sme"],
        [K.DecisionReminder] = ["sme"],
        [K.BidAccepted] = ["startup"],
        [K.BidRejected] = ["startup"],
        [K.NeedExpired] = ["startup"],
        [K.WeeklyNeeds] = ["startup"],
        [K.Digest] = ["sme", "startup"],
        [K.MessageReceived] = ["sme", "startup"],
        [K.FundingInstructions] = ["sme"],
        [K.FundingReminder] = ["sme"],
        [K.MilestoneFunded] = ["sme", "startup"],
        [K.MilestoneDelivered] = ["sme"],
        [K.AutoReleaseWarning] = ["sme"],
        [K.MilestoneReleased] = ["startup"],
        [K.DisputeOpened] = ["sme", "startup"],
        [K.DisputeResolved] = ["sme", "startup"],
        [K.CohortInvitation] = ["startup"],
        [K.ApplicationAdmitted] = ["startup"],
        [K.ApplicationDeclined] = ["startup"],
        [K.EvaluatorInvitation] = ["mentor", "manager"],
        [K.CohortDigest] = ["manager"],
        [K.FiguresReminder] = ["startup"],
        [K.ProgrammeApplicationApproved] = ["sme"],
        [K.ProgrammeApplicationDeclined] = ["sme"],
        [K.PayoutDetailsChanged] = ["startup"],
        [K.PayoutAwaitingDetails] = ["startup"],
        [K.ReassessmentInvitation] = ["sme"],
        // The link of these names one expert review (/expert-reviews/{id}), which this test's need cannot have (it is
        // awarded): ExpertReviewsApiTests follows the mentor's e-mailed link, ExpertReviewPagesTests each reader's page.
        [K.ExpertReviewRequested] = [],
        [K.ExpertReviewAssigned] = [],
        [K.ExpertReviewReminder] = [],
        [K.ExpertReviewAnswered] = [],
        [K.ExpertReviewExpired] = [],
    };

    [Fact]
    public void Every_kind_of_the_catalogue_names_who_receives_it() =>
        Assert.Empty(NotificationCatalogue.Values.Keys.Except(Recipients.Keys));

    [Theory]
    [InlineData("ar")]
    public async Task Every_link_of_every_email_opens_a_page_for_its_reader(string language)
    {
        // The objects the e-mails talk of: a need awarded to the startup (its engagement), a thread, a cohort.
        var run = Guid.NewGuid().ToString("N")[..8];
        var emails = new Dictionary<string, string>
        {
            ["sme"] = $"mail-sme-{run}@example.ma", ["startup"] = $"mail-startup-{run}@example.ma",
            ["mentor"] = $"mail-mentor-{run}@example.ma", ["manager"] = $"mail-manager-{run}@example.ma",
        };
        using var sme = await HostApi.SignUpAsync(host, "sme", emails["sme"], "Fatima", language);
        await sme.CreateAsync("/api/smes", Api.Sme());
        var needId = await sme.CreateAsync("/api/needs", Api.Need(title: $"Boutique en ligne {run}"));
        (await sme.PostAsync($"/api/needs/{needId}/publish", null)).EnsureSuccessStatusCode();
        using var startup = await HostApi.SignUpAsync(host, "startup", emails["startup"], "Youssef", language);
        await startup.CreateAsync("/api/startups", Api.Startup($"Web Atlas {run}"));
        var bidId = await startup.CreateAsync($"/api/needs/{needId}/bids", Api.Bid());
        var thread = await (await startup.PostAsJsonAsync($"/api/needs/{needId}/conversations", new { text = "Bonjour !" })).Json(HttpStatusCode.Created);
        (await sme.PostAsync($"/api/needs/{needId}/bids/{bidId}/accept", null)).EnsureSuccessStatusCode();
        using var mentor = await HostApi.SignUpAsync(host, "mentor", emails["mentor"], "Salma", language);
        var institute = await HostApi.InstituteAsync(host, run);
        using var manager = await HostApi.ManagerAsync(host, institute, emails["manager"], language);
        var cohortId = await manager.CreateAsync("/api/cohorts", Incubation.Cohort(institute));

        var publicUrl = host.Url;
        string NeedLink() => $"{publicUrl}/needs/{needId}";
        string LinkOf(string kind) => kind switch
        {
            K.MessageReceived => $"{publicUrl}/conversations/{thread.Id()}",
            K.CohortInvitation => $"{publicUrl}/startup/invitations",
            K.FiguresReminder => $"{publicUrl}/startup/goals",
            K.ProgrammeApplicationApproved or K.ProgrammeApplicationDeclined => $"{publicUrl}/sme/programmes",
            K.PayoutDetailsChanged => $"{publicUrl}/payout-details",
            K.ReassessmentInvitation => $"{publicUrl}/sme/assessment",
            _ => NeedLink(),
        };
        string Value(string kind, string name) => name switch
        {
            "link" => LinkOf(kind),
            "needsLink" => $"{publicUrl}/needs",
            "detailsLink" => $"{publicUrl}/payout-details",
            "signInLink" => $"{publicUrl}/sign-in",
            "signUpLink" => $"{publicUrl}/sign-up",
            "items" => kind == K.WeeklyNeeds ? $"• Boutique en ligne (Fes-Meknes, 2027-03-01): {NeedLink()}" : "• Une nouvelle offre",
            "cohortId" => cohortId,
            "category" => "ecommerce",
            "region" => "Fes-Meknes",
            "role" => "manager",
            "month" => "2027-02",
            "percent" => "50",
            _ when name.EndsWith("On", StringComparison.Ordinal) || name == "deadline" => "2027-03-01",
            "budget" or "price" or "amount" or "fee" or "release" or "refund" or "revenueContracted" or "revenueReleased" => "15000",
            "bids" or "days" or "count" or "duration" or "startups" or "bidsSubmitted" or "bidsWon" or "mentorSessions" => "3",
            _ => $"{name} {run}",
        };

        var templates = new EmailTemplates();
        var opened = new HashSet<(string Role, string Link)>();
        var readers = new Dictionary<string, IPage>();
        foreach (var (kind, roles) in Recipients)
            foreach (var role in roles)
            {
                var values = NotificationCatalogue.Supplied(kind).ToDictionary(n => n, n => Value(kind, n));
                var email = templates.Render(new Notification($"{kind}:{run}", kind, values, DateTimeOffset.UtcNow), "x@example.ma", language, values, null);
                var links = Url().Matches(email.Text).Select(m => m.Value.TrimEnd('.', ',', ')'))
                    .Concat(Href().Matches(email.Html).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value))).Distinct().ToList();
                Assert.All(links, link => Assert.StartsWith(publicUrl + "/", link)); // the host's own address
                foreach (var link in links.Where(l => opened.Add((role, l))))
                {
                    if (!readers.TryGetValue(role, out var page))
                        readers[role] = page = await host.NewPageAsync(language);
                    var response = await page.GotoAsync(link);
                    if (role != "anonymous" && page.Url.Contains("/sign-in?returnUrl="))
                    {
                        await Journeys.SignInHereAsync(host, page, emails[role]); // signed out: sign in, then back there
                        Assert.DoesNotContain("/sign-in", page.Url);
                        response = await page.ReloadAsync();
                    }
                    Assert.True(response!.Status == 200, $"{kind} to the {role}: {link} answers {response.Status} at {page.Url}");
                    Assert.StartsWith("text/html", response.Headers["content-type"]);
                    Assert.Equal(language, await page.GetAttributeAsync("html", "lang"));
                }
            }
        Assert.True(opened.Count >= 10, $"only {opened.Count} links followed");
    }

    [GeneratedRegex(@"https?://[^\s""<>]+")]
    private static partial Regex Url();

    [GeneratedRegex(@"href=""(https?://[^""]+)""")]
    private static partial Regex Href();
}
