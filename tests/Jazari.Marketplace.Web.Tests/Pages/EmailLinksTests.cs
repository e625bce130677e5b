using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Jazari.Marketplace.Grains.Notifications;
using Jazari.Marketplace.Web.Notifications;
using Jazari.Marketplace.Web.Pages.Support;
using Microsoft.Playwright;
using K = Jazari.Marketplace.Grains.Notifications.NotificationKinds;

namespace Jazari.Marketplace.Web.Tests.Pages;

/// <summary>
/// Every kind of e-mail of <see cref="NotificationCatalogue"/>, rendered for each role that receives it with the
/// links the marketplace puts in it (the host's own address), and every link opened in the browser as that reader:
/// signed out, it asks to sign in and comes back there; signed in, it is a page (200, HTML), never a 404 or JSON, and
/// it shows the object the e-mail is about: the need, the thread, the receipt, the expert opinion, the invitation (or,
/// for a link to a list or a form, that page's own heading). The readers' phones are in another language than the
/// e-mail's: each link carries the e-mail's language, which the page and the sign-in before it are in.
/// </summary>
[Collection(SecondBrowserCollection.Name)]
public sealed partial class EmailLinksTests(BrowserHost host)
{
    private readonly BrowserHost host = host.ForNextTest();

    /// <summary>Who receives each kind (see the notifications table of the README); a new kind fails until it is added.</summary>
    private static readonly Dictionary<string, string[]> Recipients = new()
    {
        [K.SignInCode] = [], // a code, no link
        [K.SignUpCode] = [],
        [K.AccountExists] = [], // a code, no link
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
        [K.FundingLapsed] = ["sme"],
        [K.MilestoneFunded] = ["sme", "startup"],
        [K.MilestoneDelivered] = ["sme"],
        [K.AutoReleaseWarning] = ["sme"],
        [K.MilestoneReleased] = ["startup"],
        [K.DisputeOpened] = ["sme", "startup"],
        [K.DisputeResolved] = ["sme", "startup"],
        [K.CohortInvitation] = ["startup"],
        [K.MentorAssigned] = ["mentor"],
        [K.YourMentor] = ["startup"],
        [K.ApplicationAdmitted] = ["startup"],
        [K.ApplicationDeclined] = ["startup"],
        [K.ApplicationReceived] = ["manager"],
        [K.EvaluatorInvitation] = ["mentor", "manager"],
        [K.CohortDigest] = ["manager"],
        [K.FiguresReminder] = ["startup"],
        [K.ProgrammeApplicationApproved] = ["sme"],
        [K.ProgrammeApplicationDeclined] = ["sme"],
        [K.PayoutDetailsChanged] = ["startup"],
        [K.PayoutAwaitingDetails] = ["startup"],
        [K.ReleaseAwaitingOnboarding] = ["startup"],
        [K.ReassessmentInvitation] = ["sme"],
        // One expert opinion on the need's delivered milestone: the institute's managers are asked, the mentor assigned
        // (and reminded); the SME hears of the answer or of the expiry. The same page of the review for each of them.
        [K.ExpertReviewRequested] = ["manager"],
        [K.ExpertReviewAssigned] = ["mentor"],
        [K.ExpertReviewReminder] = ["mentor"],
        [K.ExpertReviewAnswered] = ["sme"],
        [K.ExpertReviewExpired] = ["sme"],
        // A dispute whose SME accepted the startup's incubator as mediator: its managers are asked to settle it.
        [K.DisputeMediation] = ["manager"],
        // Every milestone settled: both sides are asked for their review, on the need's page.
        [K.EngagementCompleted] = ["sme", "startup"],
        // A mission ended by one side: the other is told, on the engagement's page.
        [K.EngagementCancelled] = ["sme", "startup"],
    };

    private static readonly Strings Strings = new();

    [Fact]
    public void Every_kind_of_the_catalogue_names_who_receives_it() =>
        Assert.Empty(NotificationCatalogue.Values.Keys.Except(Recipients.Keys));

    [Theory]
    [InlineData("ar")]
    public async Task Every_link_of_every_email_opens_a_page_for_its_reader(string language)
    {
        // The objects the e-mails talk of: a need awarded to the startup (its engagement, its first milestone funded,
        // delivered and paid out: two receipts), a thread, a cohort and its invitation, an expert opinion on the delivery.
        var run = Guid.NewGuid().ToString("N")[..8];
        var emails = new Dictionary<string, string>
        {
            ["sme"] = $"mail-sme-{run}@example.ma", ["startup"] = $"mail-startup-{run}@example.ma",
            ["mentor"] = $"mail-mentor-{run}@example.ma", ["manager"] = $"mail-manager-{run}@example.ma",
        };
        using var sme = await HostApi.SignUpAsync(host, "sme", emails["sme"], "Fatima", language);
        await sme.CreateAsync("/api/smes", Api.Sme());
        // In the institute's region: the institute's managers are the ones asked for an expert opinion on it.
        var needTitle = $"Boutique en ligne {run}";
        var needId = await sme.CreateAsync("/api/needs", Api.Need(region: "Souss-Massa", title: needTitle));
        (await sme.PostAsync($"/api/needs/{needId}/publish", null)).EnsureSuccessStatusCode();
        using var startup = await HostApi.SignUpAsync(host, "startup", emails["startup"], "Youssef", language);
        var startupId = await startup.CreateAsync("/api/startups", Api.Startup($"Web Atlas {run}"));
        var bidId = await startup.CreateAsync($"/api/needs/{needId}/bids", Api.Bid());
        var greeting = $"Bonjour, ici Web Atlas {run} !";
        var thread = await (await startup.PostAsJsonAsync($"/api/needs/{needId}/conversations", new { text = greeting })).Json(HttpStatusCode.Created);
        (await sme.PostAsync($"/api/needs/{needId}/bids/{bidId}/accept", null)).EnsureSuccessStatusCode();
        using var mentor = await HostApi.SignUpAsync(host, "mentor", emails["mentor"], "Salma", language);
        var mentorId = await mentor.CreateAsync("/api/mentors", new { name = "Salma Idrissi", expertise = new[] { "ecommerce" }, languages = new[] { "fr" }, capacity = 2 });
        var institute = await HostApi.InstituteAsync(host, run);
        using var manager = await HostApi.ManagerAsync(host, institute, emails["manager"], language);
        var cohortId = await manager.CreateAsync("/api/cohorts", Incubation.Cohort(institute));
        const string cohortName = "Cohorte Agadir 2027"; // Incubation.Cohort's
        var invited = await (await manager.PostAsJsonAsync($"/api/cohorts/{cohortId}/members", new { startupId })).Json(HttpStatusCode.Accepted);

        // The first milestone funded by bank transfer and confirmed (the funding's receipt), delivered and approved (the payout's).
        using var admin = HostApi.Admin(host);
        await EventuallyAsync(async () => (await sme.GetAsync($"/api/needs/{needId}/engagement")).StatusCode == HttpStatusCode.OK, "the engagement of the award");
        var funding = await (await sme.PostAsJsonAsync($"/api/needs/{needId}/milestones/0/fund", new { method = "bank-transfer" })).Json(HttpStatusCode.OK);
        var paymentId = funding.GetProperty("paymentId").GetString()!;
        await (await admin.PostAsJsonAsync($"/api/admin/payments/{funding.GetProperty("reference").GetString()}/confirm",
            new { amountMinor = funding.GetProperty("amountMinor").GetInt64(), bankReference = $"BOA-{run}" })).Json(HttpStatusCode.OK);
        await (await startup.PostAsJsonAsync($"/api/needs/{needId}/milestones/0/deliver", new { note = "Maquettes livrées.", links = Array.Empty<string>() })).Json(HttpStatusCode.OK);
        await (await sme.PostAsync($"/api/needs/{needId}/milestones/0/approve", null)).Json(HttpStatusCode.OK);
        var payoutId = "";
        await EventuallyAsync(async () =>
        {
            var engagement = await (await sme.GetAsync($"/api/needs/{needId}/engagement")).Json(HttpStatusCode.OK);
            payoutId = engagement.GetProperty("payouts").EnumerateArray().Where(p => p.GetProperty("index").GetInt32() == 0)
                .Select(p => p.GetProperty("id").GetString()!).FirstOrDefault() ?? "";
            return payoutId.Length > 0;
        }, "the payout of the approved milestone");
        // The follow-up numbers the receipts, then e-mails: once the release is e-mailed, both receipts have their number.
        var outbox = Path.Combine(host.Host.DataDir, "outbox");
        await EventuallyAsync(() => Task.FromResult(OutboxFiles.Emails(outbox, emails["startup"]).Any(e => e.GetProperty("kind").GetString() == K.MilestoneReleased)),
            "the release e-mailed");

        // The startup joins the cohort; its second milestone, funded, is disputed; the SME accepts the institute as mediator
        // (its manager then reads the engagement, and is e-mailed).
        await (await startup.PostAsync($"/api/me/invitations/{invited.GetProperty("invitationId").GetString()}/accept", null)).Json(HttpStatusCode.OK);
        var second = await (await sme.PostAsJsonAsync($"/api/needs/{needId}/milestones/1/fund", new { method = "bank-transfer" })).Json(HttpStatusCode.OK);
        await (await admin.PostAsJsonAsync($"/api/admin/payments/{second.GetProperty("reference").GetString()}/confirm",
            new { amountMinor = second.GetProperty("amountMinor").GetInt64(), bankReference = $"BOA-2-{run}" })).Json(HttpStatusCode.OK);
        var disputed = await (await startup.PostAsJsonAsync($"/api/needs/{needId}/milestones/1/dispute", new { reason = "La PME ne répond plus." })).Json(HttpStatusCode.OK);
        var disputeId = disputed.GetProperty("milestones")[1].GetProperty("dispute").GetProperty("id").GetString();
        await (await sme.PostAsync($"/api/disputes/{disputeId}/accept-mediators", null)).Json(HttpStatusCode.OK);
        await EventuallyAsync(() => Task.FromResult(OutboxFiles.Emails(outbox, emails["manager"]).Any(e => e.GetProperty("kind").GetString() == K.DisputeMediation)),
            "the mediation asked of the manager by e-mail");

        // An expert opinion on the delivered milestone, assigned by the institute's manager to the mentor.
        var question = $"La livraison {run} est-elle conforme à ce qui était convenu ?";
        var reviewId = (await (await sme.PostAsJsonAsync($"/api/needs/{needId}/expert-reviews", new { milestone = 0, question })).Json(HttpStatusCode.Created)).Id();
        await (await manager.PostAsJsonAsync($"/api/expert-reviews/{reviewId}/assign", new { mentorId })).Json(HttpStatusCode.OK);
        // Then the same mentor is assigned to follow the startup in the cohort (after the opinion: a mentor of the startup is not neutral).
        await (await manager.PostAsJsonAsync($"/api/cohorts/{cohortId}/mentors", new { mentorId, startupId })).Json(HttpStatusCode.OK);

        var publicUrl = host.Url;
        string NeedLink() => $"{publicUrl}/needs/{needId}";
        string LinkOf(string kind) => kind switch
        {
            K.MessageReceived => $"{publicUrl}/conversations/{thread.Id()}",
            K.CohortInvitation or K.ApplicationDeclined or K.YourMentor => $"{publicUrl}/startup/invitations",
            K.MentorAssigned => $"{publicUrl}/mentor/startups/{startupId}",
            K.ApplicationReceived => $"{publicUrl}/manager/cohorts/{cohortId}",
            K.CohortDigest => $"{publicUrl}/manager/cohorts/{cohortId}/dashboard",
            K.EvaluatorInvitation => $"{publicUrl}/evaluations",
            K.FiguresReminder or K.ApplicationAdmitted => $"{publicUrl}/startup/goals",
            K.ProgrammeApplicationApproved or K.ProgrammeApplicationDeclined => $"{publicUrl}/sme/programmes",
            K.PayoutDetailsChanged => $"{publicUrl}/payout-details",
            K.ReassessmentInvitation => $"{publicUrl}/sme/assessment",
            K.ExpertReviewRequested or K.ExpertReviewAssigned or K.ExpertReviewReminder or K.ExpertReviewAnswered or K.ExpertReviewExpired
                => $"{publicUrl}/expert-reviews/{reviewId}",
            K.FundingInstructions or K.FundingReminder or K.FundingLapsed or K.MilestoneFunded or K.MilestoneDelivered or K.AutoReleaseWarning
                or K.MilestoneReleased or K.DisputeOpened or K.DisputeResolved or K.PayoutAwaitingDetails or K.ReleaseAwaitingOnboarding or K.DisputeMediation
                or K.EngagementCancelled => $"{publicUrl}/engagements/{needId}",
            _ => NeedLink(),
        };
        string Value(string kind, string name) => name switch
        {
            "link" => LinkOf(kind),
            "needsLink" => $"{publicUrl}/needs",
            "detailsLink" => $"{publicUrl}/payout-details",
            "onboardingLink" => $"{publicUrl}/startup/profile",
            "signInLink" => $"{publicUrl}/sign-in",
            "signUpLink" => $"{publicUrl}/sign-up",
            "receipt" => $"{publicUrl}/receipts/{(kind == K.MilestoneReleased ? payoutId : paymentId)}",
            "items" => kind == K.WeeklyNeeds ? System.Text.Json.JsonSerializer.Serialize(new[] { new EmailTemplates.NeedItem("Boutique en ligne", "Fes-Meknes", new DateOnly(2027, 3, 1), NeedLink()) }) : "• Une nouvelle offre",
            "cohortId" => cohortId,
            "category" => "ecommerce",
            "region" => "Fes-Meknes",
            "role" => "manager",
            "by" => "startup",
            "month" => "2027-02",
            "percent" => "50",
            _ when name.EndsWith("On", StringComparison.Ordinal) || name == "deadline" => "2027-03-01",
            _ when EmailTemplates.Amounts.Contains(name) => "15000",
            _ when EmailTemplates.Counts.Contains(name) => "3",
            _ => $"{name} {run}",
        };

        // What each landed page must show: the object's title or reference, or for a list or a form its own heading.
        var text = new Text(Strings);
        text.Use(language);
        string Shows(string role, string link) => new Uri(link).AbsolutePath switch
        {
            var path when path == $"/needs/{needId}" || path == $"/engagements/{needId}" => needTitle,
            var path when path == $"/conversations/{thread.Id()}" => greeting,
            var path when path == $"/receipts/{paymentId}" => funding.GetProperty("reference").GetString()!,
            var path when path == $"/receipts/{payoutId}" => payoutId.ToUpperInvariant(), // the payout's reference
            var path when path == $"/expert-reviews/{reviewId}" => question,
            "/startup/invitations" => cohortName,
            var path when path == $"/mentor/startups/{startupId}" => $"Web Atlas {run}",
            var path when path == $"/manager/cohorts/{cohortId}" || path == $"/manager/cohorts/{cohortId}/dashboard" => cohortName,
            "/evaluations" => text["evaluations.title"],
            "/needs" => text[role == "sme" ? "sme.title" : "startup.title"], // the reader's own space, its needs listed
            "/startup/goals" => text["goals.title"],
            "/sme/programmes" => text["papp.title"],
            "/payout-details" => text["payout-details.title"],
            "/startup/profile" => text["startup-profile.title"],
            "/sme/assessment" => text["maturity.title"],
            "/sign-in" => text["sign-in.title"],
            "/sign-up" => text["sign-up.title"],
            var path => throw new InvalidOperationException($"Nothing known that {path} should show."),
        };

        var templates = new EmailTemplates(new NotificationSettings { PublicUrl = publicUrl });
        var phone = language == "fr" ? "ar" : "fr"; // the language the readers' browsers ask for
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
                Assert.All(links, link => Assert.EndsWith($"lang={language}", link)); // in the e-mail's language
                foreach (var link in links.Where(l => opened.Add((role, l))))
                {
                    if (!readers.TryGetValue(role, out var page))
                        readers[role] = page = await host.NewPageAsync(phone);
                    var response = await page.GotoAsync(link);
                    if (role != "anonymous" && page.Url.Contains("/sign-in?returnUrl="))
                    {
                        Assert.Equal(language, await page.GetAttributeAsync("html", "lang")); // asked to sign in in the e-mail's language
                        await Journeys.SignInHereAsync(host, page, emails[role]); // signed out: sign in, then back there
                        Assert.DoesNotContain("/sign-in", page.Url);
                        response = await page.ReloadAsync();
                    }
                    Assert.True(response!.Status == 200, $"{kind} to the {role}: {link} answers {response.Status} at {page.Url}");
                    Assert.StartsWith("text/html", response.Headers["content-type"]);
                    Assert.Equal(language, await page.GetAttributeAsync("html", "lang"));
                    // The invitation's sign-in link, opened by a manager already signed in, leads to the manager's space.
                    var shows = new Uri(link).AbsolutePath == "/sign-in" && role == "manager" && new Uri(page.Url).AbsolutePath == "/manager"
                        ? text["manager.title"] : Shows(role, link);
                    if (!(await page.Locator("main").TextContentAsync() ?? "").Contains(shows, StringComparison.Ordinal))
                        Assert.Fail($"{kind} to the {role}: {link} lands on {page.Url}, which does not show \"{shows}\"");
                }
            }
        Assert.True(opened.Count >= 10, $"only {opened.Count} links followed");
        Assert.Contains(("sme", $"{publicUrl}/receipts/{paymentId}?lang={language}"), opened);
        Assert.Contains(("startup", $"{publicUrl}/receipts/{payoutId}?lang={language}"), opened);
        Assert.Contains(("mentor", $"{publicUrl}/expert-reviews/{reviewId}?lang={language}"), opened);
    }

    private static async Task EventuallyAsync(Func<Task<bool>> done, string what)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(60); !await done(); await Task.Delay(100))
            Assert.True(DateTime.UtcNow < deadline, $"Waited in vain for {what}.");
    }

    [GeneratedRegex(@"https?://[^\s""<>]+")]
    private static partial Regex Url();

    [GeneratedRegex(@"href=""(https?://[^""]+)""")]
    private static partial Regex Href();
}
