using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Jazari.Marketplace.Web.Tests.Payments;

/// <summary>An awarded need: the SME, the startup's founder, their ids.</summary>
internal sealed record Awarded(Person Sme, string NeedId, Person Founder, string StartupId);

/// <summary>Engagement steps as the SME, the startup and an admin would take them, and the ledger invariants.</summary>
internal static class Engagements
{
    public static async Task<string> ProgrammeAsync(MarketplaceHost host, int percent = 30, long capMinor = 5_000_000, long budgetMinor = 100_000_000, object? rules = null)
    {
        var id = $"prog-{Guid.NewGuid():N}"[..20];
        using var admin = host.Admin();
        await (await admin.PostAsJsonAsync("/api/admin/programmes", new { id, name = "Maroc Digital PME", subsidyPercent = percent, capPerSmeMinor = capMinor, budgetMinor, currency = "MAD", rules }))
            .Json(HttpStatusCode.Created);
        return id;
    }

    /// <summary>The SME applies to the programme and an admin approves it (with a reason): its needs may then name it.</summary>
    public static async Task<string> ApprovedAsync(MarketplaceHost host, Person sme, string programmeId)
    {
        var application = await (await sme.Client.PostAsJsonAsync($"/api/programmes/{programmeId}/applications", new { note = "Notre boutique en ligne." }))
            .Json(HttpStatusCode.Created);
        Assert.Equal("submitted", application.GetProperty("status").GetString());
        var id = application.GetProperty("id").GetString()!;
        using var admin = host.Admin();
        var decision = await (await admin.PostAsJsonAsync($"/api/programmes/{programmeId}/applications/{id}/decision", new { approve = true, reason = "Dossier complet." }))
            .Json(HttpStatusCode.OK);
        Assert.Equal("approved", decision.GetProperty("status").GetString());
        return id;
    }

    /// <summary>A need (in a programme, or not) awarded to a new startup's bid of <paramref name="priceMad"/> in two milestones.</summary>
    public static async Task<Awarded> AwardedAsync(MarketplaceHost host, string? programmeId = null, decimal priceMad = 30000, Person? existing = null)
    {
        var sme = existing ?? await host.SignUpAsync("sme");
        if (existing is null)
        {
            await sme.Client.CreateAsync("/api/smes", Api.Sme());
            if (programmeId is not null) await ApprovedAsync(host, sme, programmeId);
        }
        var need = JsonSerializer.SerializeToNode(Api.Need())!.AsObject();
        if (programmeId is not null) need["programmeId"] = programmeId;
        var needId = await sme.Client.CreateAsync("/api/needs", need);
        (await sme.Client.PostAsync($"/api/needs/{needId}/publish", null)).EnsureSuccessStatusCode();
        var (founder, startupId) = await Api.StartupAsync(host);
        var bidId = await founder.Client.CreateAsync($"/api/needs/{needId}/bids", Api.Bid(priceMad));
        (await sme.Client.PostAsync($"/api/needs/{needId}/bids/{bidId}/accept", null)).EnsureSuccessStatusCode();
        await host.FollowedUpAsync(needId); // the award's follow-ups (KPIs, projects, lists) come from its event
        return new Awarded(sme, needId, founder, startupId);
    }

    public static async Task<JsonElement> FundAsync(this Awarded a, int index, string method = "bank-transfer") =>
        await (await a.Sme.Client.PostAsJsonAsync($"/api/needs/{a.NeedId}/milestones/{index}/fund", new { method })).Json(HttpStatusCode.OK);

    public static async Task<JsonElement> ConfirmAsync(MarketplaceHost host, JsonElement funding, long? amountMinor = null, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var admin = host.Admin();
        return await (await admin.PostAsJsonAsync($"/api/admin/payments/{funding.GetProperty("reference").GetString()}/confirm",
            new { amountMinor = amountMinor ?? funding.GetProperty("amountMinor").GetInt64(), bankReference = "VIR-" + Guid.NewGuid().ToString("N")[..8] })).Json(expected);
    }

    public static async Task<JsonElement> DeliverAsync(this Awarded a, int index) =>
        await (await a.Founder.Client.PostAsJsonAsync($"/api/needs/{a.NeedId}/milestones/{index}/deliver",
            new { note = "Maquettes livrées, catalogue importé.", links = new[] { "https://demo.example.ma/boutique" } })).Json(HttpStatusCode.OK);

    public static async Task<JsonElement> ApproveAsync(this Awarded a, int index) =>
        await (await a.Sme.Client.PostAsync($"/api/needs/{a.NeedId}/milestones/{index}/approve", null)).Json(HttpStatusCode.OK);

    /// <summary>Funds (by bank), confirms, delivers and approves every milestone: the engagement completes (once the
    /// follow-ups have released the last milestone and closed the need).</summary>
    public static async Task CompleteAsync(MarketplaceHost host, Awarded a)
    {
        var engagement = await a.EngagementAsync();
        for (var i = 0; i < engagement.GetProperty("milestones").GetArrayLength(); i++)
        {
            var funding = await a.FundAsync(i);
            if (!funding.GetProperty("funded").GetBoolean()) await ConfirmAsync(host, funding);
            await a.DeliverAsync(i);
            await a.ApproveAsync(i);
        }
        await UntilAsync(host, a.NeedId, e => e.GetProperty("status").GetString() == "completed");
        await EventuallyAsync(async () => (await (await a.Sme.Client.GetAsync($"/api/needs/{a.NeedId}")).Json(HttpStatusCode.OK)).GetProperty("status").GetString() == "completed");
    }

    /// <summary>The engagement (read by an admin) once the follow-ups of what was acknowledged made it so; fails after a minute.</summary>
    public static async Task<JsonElement> UntilAsync(MarketplaceHost host, string needId, Func<JsonElement, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var e = await EngagementAsync(host, needId);
            if (done(e)) return e;
            if (DateTime.UtcNow > deadline) Assert.Fail($"The follow-up of engagement {needId} did not happen: {e}");
            await Task.Delay(100);
        }
    }

    /// <summary>The engagement once its milestone is in that status (the follow-up job's work, after the answer).</summary>
    public static Task<JsonElement> UntilAsync(MarketplaceHost host, string needId, int index, string status) =>
        UntilAsync(host, needId, e => e.Milestone(index).Status() == status);

    /// <summary>Waits until a condition the follow-ups bring about holds; fails after a minute (or <paramref name="seconds"/>).</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> done, string? what = null, int seconds = 60)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(seconds); !await done(); await Task.Delay(100))
            if (DateTime.UtcNow > deadline) Assert.Fail($"Not done within {seconds} s: {what}");
    }

    public static async Task<JsonElement> EngagementAsync(this Awarded a) =>
        await (await a.Sme.Client.GetAsync($"/api/needs/{a.NeedId}/engagement")).Json(HttpStatusCode.OK);

    /// <summary>Read by an admin (whose token never expires, for tests that move the clock).</summary>
    public static async Task<JsonElement> EngagementAsync(MarketplaceHost host, string needId)
    {
        using var admin = host.Admin();
        return await (await admin.GetAsync($"/api/needs/{needId}/engagement")).Json(HttpStatusCode.OK);
    }

    public static JsonElement Milestone(this JsonElement engagement, int index) => engagement.GetProperty("milestones")[index];

    public static string Status(this JsonElement milestone) => milestone.GetProperty("status").GetString()!;

    /// <summary>
    /// The ledger's invariants, from the ledger an admin reads: every entry sums to zero; the escrow, entry after
    /// entry, never goes negative; what the startup received plus the fees equals what left escrow by releases (less
    /// what an admin declined to pay it, which leaves its account for <c>payouts-declined</c>).
    /// Returns the balances by account.
    /// </summary>
    public static async Task<Dictionary<string, long>> AssertLedgerAsync(MarketplaceHost host, string needId)
    {
        using var admin = host.Admin();
        var ledger = await (await admin.GetAsync($"/api/needs/{needId}/ledger")).Json(HttpStatusCode.OK);
        var balances = new Dictionary<string, long>();
        long escrow = 0, released = 0, received = 0, fees = 0, declined = 0;
        var operations = new HashSet<string>();
        foreach (var entry in ledger.GetProperty("entries").EnumerateArray())
        {
            Assert.True(operations.Add(entry.GetProperty("operationId").GetString()!), "one entry per operation");
            var lines = entry.GetProperty("lines").EnumerateArray().Select(l => (Account: l.GetProperty("account").GetString()!, Amount: l.GetProperty("amountMinor").GetInt64())).ToList();
            Assert.Equal(0, lines.Sum(l => l.Amount));
            foreach (var (account, amount) in lines) balances[account] = balances.GetValueOrDefault(account) + amount;
            escrow += lines.Where(l => l.Account == "escrow").Sum(l => l.Amount);
            Assert.True(escrow >= 0, $"escrow negative after {entry.GetProperty("operationId")}");
            if (lines.Any(l => l.Account.StartsWith("startup:")))
            {
                released -= lines.Where(l => l.Account is "escrow" or "platform-funds").Sum(l => l.Amount); // a release paid twice comes from the platform's funds
                received += lines.Where(l => l.Account.StartsWith("startup:")).Sum(l => l.Amount);
                fees += lines.Where(l => l.Account == "platform-fees").Sum(l => l.Amount);
                declined += lines.Where(l => l.Account == "payouts-declined").Sum(l => l.Amount);
            }
        }
        Assert.Equal(released, received + fees + declined);
        foreach (var (account, balance) in balances) Assert.Equal(balance, ledger.GetProperty("balances").GetProperty(account).GetInt64());
        return balances;
    }
}
