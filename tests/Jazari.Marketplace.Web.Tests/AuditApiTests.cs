using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Azure.Data.Tables;
using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Jazari.Marketplace.Web.Audit;
using Jazari.Marketplace.Web.Extensions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Azure.Storage.Blobs;

namespace Jazari.Marketplace.Web.Tests;

[Collection(MarketplaceCollection.Name)]
public sealed class AuditApiTests(MarketplaceHost host)
{
    private async Task<List<JsonElement>> EntriesAsync(string? actor = null, string? action = null)
    {
        using var admin = host.Admin();
        var page = await (await admin.GetAsync($"/api/admin/audit?actor={Uri.EscapeDataString(actor ?? "")}&action={action}&from=&to=")).Json(HttpStatusCode.OK);
        return [.. page.GetProperty("entries").EnumerateArray()];
    }

    [Fact]
    public async Task A_persons_export_carries_their_newest_entries_when_they_have_more_than_it_holds()
    {
        var trail = host.Services.GetRequiredService<AuditTrail>();
        var accountId = Grains.Ids.New("acc");
        var old = new DateTimeOffset(2021, 3, 1, 9, 0, 0, TimeSpan.Zero);
        await Parallel.ForEachAsync(Enumerable.Range(0, AuditTrail.MaxAbout), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
            await trail.WriteAsync(new AuditEntry(Grains.Ids.New("aud"), old.AddMinutes(i), accountId, "sme", "signed-in", null, null, null)));
        var latest = new AuditEntry(Grains.Ids.New("aud"), DateTimeOffset.UtcNow, accountId, "sme", "data-exported", accountId, null, null);
        await trail.WriteAsync(latest);

        var about = await trail.AboutAsync(accountId, CancellationToken.None);
        Assert.Equal(AuditTrail.MaxAbout, about.Count);
        Assert.Equal(latest.Id, about[0].Id); // the table answers 2021 first: the export kept those and left out this one
        Assert.Equal(old.AddMinutes(AuditTrail.MaxAbout - 1), about[1].At);
    }

    [Fact]
    public async Task Each_sensitive_action_of_a_person_leaves_exactly_one_entry_with_who_what_when_and_where()
    {
        var (sme, needId) = await Api.OpenNeedAsync(host);
        var smeId = (await (await sme.Client.GetAsync("/api/auth/me")).Json(HttpStatusCode.OK)).GetProperty("profileId").GetString()!;
        (await sme.Client.PutAsJsonAsync($"/api/smes/{smeId}", Api.Sme("Oriental"))).EnsureSuccessStatusCode();
        var founder = await host.SignUpAsync("startup");
        await founder.Client.CreateAsync("/api/startups", Api.Startup("Audit Atlas"));
        var bidId = await founder.Client.CreateAsync($"/api/needs/{needId}/bids", Api.Bid());
        (await sme.Client.PostAsync($"/api/needs/{needId}/bids/{bidId}/accept", null)).EnsureSuccessStatusCode();
        (await sme.Client.PostAsync($"/api/needs/{needId}/bids/{bidId}/accept", null)).EnsureSuccessStatusCode(); // a double click: one award, one entry
        await host.FollowedUpAsync(needId); // the award's follow-ups (KPIs, projects, lists) come from its event
        (await sme.Client.PostAsync("/api/auth/sign-out", null)).EnsureSuccessStatusCode();

        var entries = await EntriesAsync(sme.AccountId);
        var actions = entries.Select(e => e.GetProperty("action").GetString()).ToList();
        Assert.Equal([AuditActions.SignOut, AuditActions.BidAccepted, AuditActions.ProfileUpdated, AuditActions.ProfileCreated, AuditActions.SignIn], actions);
        var accepted = entries[1];
        Assert.Equal(needId, accepted.GetProperty("target").GetString());
        Assert.Contains(bidId, accepted.GetProperty("detail").GetString());
        Assert.Equal("sme", accepted.GetProperty("actorRole").GetString());
        Assert.True(accepted.GetProperty("at").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5));
        Assert.True(accepted.TryGetProperty("ip", out _));
        Assert.Single(await EntriesAsync(founder.AccountId, AuditActions.ProfileCreated));
        Assert.Single(await EntriesAsync(founder.AccountId, AuditActions.SignIn));
    }

    [Fact]
    public async Task Admin_actions_are_recorded_once_and_stored_in_the_audit_table()
    {
        using var admin = host.Admin();
        var instituteId = $"inst-audit-{Guid.NewGuid():N}"[..30];
        await admin.CreateAsync("/api/admin/institutes", new { id = instituteId, name = "Jazari Audit", region = "Oriental" });
        var accountId = await admin.CreateAsync("/api/admin/accounts",
            new { email = $"manager-{Guid.NewGuid():N}@example.ma", role = "manager", displayName = "Manager", language = "fr", institutes = new[] { instituteId } });
        (await admin.PostAsync("/api/admin/hangfire-link", null)).EnsureSuccessStatusCode();
        var importsBefore = (await EntriesAsync("admin", AuditActions.CatalogueImported)).Count;
        (await admin.PostAsJsonAsync("/api/admin/import", new { smes = Array.Empty<object>(), startups = Array.Empty<object>(), needs = Array.Empty<object>() })).EnsureSuccessStatusCode();

        var created = (await EntriesAsync("admin", AuditActions.AccountCreated)).Where(e => e.GetProperty("target").GetString() == accountId).ToList();
        Assert.Equal("role manager", Assert.Single(created).GetProperty("detail").GetString());
        Assert.Single(await EntriesAsync("admin", AuditActions.InstituteCreated), e => e.GetProperty("target").GetString() == instituteId);
        Assert.NotEmpty(await EntriesAsync("admin", AuditActions.JobsDashboardLink));
        Assert.Equal(importsBefore + 1, (await EntriesAsync("admin", AuditActions.CatalogueImported)).Count);

        // What the API answers is what is in storage: the entry is a row of the audit table in Azurite.
        var table = new TableClient(host.Storage.ConnectionString, AuditTrail.Table);
        var rows = table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"Target eq {accountId}"));
        var stored = new List<TableEntity>();
        await foreach (var row in rows) stored.Add(row);
        Assert.Equal(AuditActions.AccountCreated, Assert.Single(stored).GetString("Action"));
    }

    [Fact]
    public async Task Only_admins_read_the_trail_and_bad_filters_are_400()
    {
        var sme = await host.SignUpAsync("sme");
        await (await sme.Client.GetAsync("/api/admin/audit")).Problem(HttpStatusCode.Forbidden);
        using var admin = host.Admin();
        await (await admin.GetAsync("/api/admin/audit?action=coffee")).Problem(HttpStatusCode.BadRequest);
        await (await admin.GetAsync("/api/admin/audit?from=2026-01-01&to=2026-12-31")).Problem(HttpStatusCode.BadRequest);
        await (await admin.GetAsync("/api/admin/audit?from=2026-02-02&to=2026-02-01")).Problem(HttpStatusCode.BadRequest);
        await (await admin.GetAsync("/api/admin/audit?page=0")).Problem(HttpStatusCode.BadRequest);
        foreach (var far in new[] { "to=0001-01-01", "from=0001-01-01&to=0001-01-03", "to=9999-12-31", "from=9999-12-30&to=9999-12-31", "to=someday" })
        {
            var refused = await (await admin.GetAsync($"/api/admin/audit?{far}")).Problem(HttpStatusCode.BadRequest);
            Assert.True(refused.GetProperty("errors").EnumerateObject().Any(), far);
        }
        var old = await (await admin.GetAsync("/api/admin/audit?from=2020-01-01&to=2020-01-31")).Json(HttpStatusCode.OK);
        Assert.Equal(0, old.GetProperty("entries").GetArrayLength());
        // A 'to' in the first days: the default week starts on the first day kept, not before it (refused on a 'from' never sent).
        await (await admin.GetAsync("/api/admin/audit?to=2020-01-03")).Json(HttpStatusCode.OK);
    }

    [Fact]
    public async Task When_the_table_fails_the_entry_goes_to_a_job_and_when_both_fail_the_request_fails()
    {
        var dead = new TableServiceClient(new Uri("http://127.0.0.1:1/devstoreaccount1"),
            new TableSharedKeyCredential("devstoreaccount1", Convert.ToBase64String(new byte[64])),
            new TableClientOptions { Retry = { MaxRetries = 0, NetworkTimeout = TimeSpan.FromSeconds(2) } });
        var storage = new StorageClients(dead, new BlobServiceClient(new Uri("http://127.0.0.1:1/devstoreaccount1")));
        var jobs = new RecordingJobs();
        var trail = new AuditTrail(storage, jobs, TimeProvider.System, new Microsoft.AspNetCore.Http.HttpContextAccessor(), NullLogger<AuditTrail>.Instance);
        var entry = new AuditEntry("aud-test-1", DateTimeOffset.UtcNow, "acc-1", "sme", AuditActions.SignIn, "acc-1", null, "127.0.0.1");

        await trail.RecordAsync(entry);
        var job = Assert.Single(jobs.Created);
        Assert.Equal(nameof(AuditJob.WriteAsync), job.Method.Name);
        Assert.Equal(entry, job.Args[0]);
        // What Hangfire stores and reads back when it runs the job is the same entry (same id: written once).
        Assert.Equal(entry, Hangfire.Storage.InvocationData.SerializeJob(job).DeserializeJob().Args[0]);

        jobs.Failing = true;
        await Assert.ThrowsAsync<AuditUnavailableException>(() => trail.RecordAsync(entry));
    }

    private sealed class RecordingJobs : IBackgroundJobClient
    {
        public List<Job> Created { get; } = [];
        public bool Failing { get; set; }

        public string Create(Job job, IState state)
        {
            if (Failing) throw new InvalidOperationException("Job storage down.");
            Created.Add(job);
            return $"{Created.Count}";
        }

        public bool ChangeState(string jobId, IState state, string expectedState) => true;
    }
}
