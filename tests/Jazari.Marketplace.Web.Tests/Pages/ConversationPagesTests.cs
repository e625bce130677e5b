using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace Jazari.Marketplace.Web.Tests.Pages;

/// <summary>
/// Conversations in the browser: a startup writes to the SME from a need (in French), the SME finds it unread in
/// its inbox and answers (in Arabic), with markup shown as text; a double-sent form posts one message, the same form
/// sent again with other words (after Back) a second one.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ConversationPagesTests(BrowserHost host)
{
    private readonly BrowserHost host = host.ForNextTest();

    [Fact]
    public async Task A_startup_writes_to_the_sme_about_a_need_and_the_sme_answers()
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var smeEmail = $"sme-{run}@example.ma";
        var startupEmail = $"startup-{run}@example.ma";
        using var sme = await HostApi.SignUpAsync(host, "sme", smeEmail, "Fatima", "ar");
        await sme.CreateAsync("/api/smes", Api.Sme());
        var needId = await sme.CreateAsync("/api/needs", Api.Need(title: $"Boutique en ligne {run}"));
        (await sme.PostAsync($"/api/needs/{needId}/publish", null)).EnsureSuccessStatusCode();
        using var startup = await HostApi.SignUpAsync(host, "startup", startupEmail, "Youssef");
        await startup.CreateAsync("/api/startups", Api.Startup($"Web Atlas {run}"));

        var startupPage = await host.NewPageAsync("fr", bypassCsp: true);
        await HostApi.SignInAsync(host, startupPage, startupEmail);
        await startupPage.GotoAsync($"/startup/needs/{needId}");
        await startupPage.ClickAsync($"a[href='/messages/new?needId={needId}']");
        await startupPage.FillAsync("#message", "Bonjour, livrez-vous aussi à Fès ?");
        await startupPage.ClickAsync("form.form button[type=submit]");
        await Journeys.ExpectUrlAsync(startupPage, "/messages/[a-z0-9-]+#latest$");
        var threadUrl = startupPage.Url;
        // Writing again about the same need (the need page's Write link) opens that thread, not an empty first message's form.
        await startupPage.GotoAsync($"/messages/new?needId={needId}");
        Assert.Equal(threadUrl, startupPage.Url);
        // The same reply form sent twice (a double tap, a retry after a lost answer) posts one message.
        var form = startupPage.Locator("form.form");
        var fields = new Dictionary<string, object>
        {
            ["__af"] = (await form.Locator("input[name=__af]").GetAttributeAsync("value"))!,
            ["ClientMessageId"] = (await form.Locator("input[name=ClientMessageId]").GetAttributeAsync("value"))!,
            ["Message"] = "Et à Meknès ?",
        };
        for (var i = 0; i < 2; i++)
            Assert.Equal(302, (await startupPage.APIRequest.PostAsync(new Uri(threadUrl).AbsolutePath, new() { Form = ToForm(startupPage, fields), MaxRedirects = 0 })).Status);
        // The same form brought back (the Back button) and sent with other words posts them too, not a refusal.
        fields["Message"] = "Et à Ifrane ?";
        Assert.Equal(302, (await startupPage.APIRequest.PostAsync(new Uri(threadUrl).AbsolutePath, new() { Form = ToForm(startupPage, fields), MaxRedirects = 0 })).Status);
        await startupPage.ReloadAsync();
        await Assertions.Expect(startupPage.Locator(".message")).ToHaveCountAsync(3);
        await Assertions.Expect(startupPage.Locator(".message").Last).ToContainTextAsync("Et à Ifrane ?");
        await HostApi.AssertAccessibleAsync(startupPage);
        await BrowserHost.ScreenshotAsync(startupPage, "messages-thread-fr");

        var smePage = await host.NewPageAsync("ar", bypassCsp: true);
        var dialogs = 0;
        smePage.Dialog += (_, dialog) => { dialogs++; _ = dialog.DismissAsync(); };
        await HostApi.SignInAsync(host, smePage, smeEmail);
        await smePage.GotoAsync("/messages");
        var item = smePage.Locator("li.card", new() { HasText = $"Web Atlas {run}" });
        await Assertions.Expect(item.Locator(".pill")).ToBeVisibleAsync();
        await HostApi.OpenMenuAsync(smePage);
        await Assertions.Expect(smePage.Locator("nav a[href='/messages'] .unread")).ToBeVisibleAsync(); // the menu counts what waits
        await HostApi.CloseMenuAsync(smePage); // on a phone the open menu lies over the page
        await HostApi.AssertTranslatedAsync(smePage);
        await HostApi.AssertAccessibleAsync(smePage);
        await BrowserHost.ScreenshotAsync(smePage, "messages-inbox-ar");
        await item.Locator("a").ClickAsync();
        await Assertions.Expect(smePage.Locator(".message.theirs").First).ToContainTextAsync("livrez-vous aussi à Fès");
        await smePage.FillAsync("#message", "نعم <script>alert(1)</script>");
        await smePage.ClickAsync("form.form button[type=submit]");
        await Assertions.Expect(smePage.Locator(".message").Last).ToContainTextAsync("<script>alert(1)</script>");
        await smePage.GotoAsync("/messages");
        await Assertions.Expect(smePage.Locator("li.card .pill")).ToHaveCountAsync(0);
        await Assertions.Expect(smePage.Locator("nav .unread")).ToHaveCountAsync(0);

        await startupPage.GotoAsync(new Uri(threadUrl).AbsolutePath);
        await Assertions.Expect(startupPage.Locator(".message.theirs").Last).ToContainTextAsync("<script>alert(1)</script>");
        Assert.Equal(0, dialogs);
    }

    private static IFormData ToForm(IPage page, Dictionary<string, object> fields)
    {
        var form = page.APIRequest.CreateFormData();
        foreach (var (name, value) in fields) form.Set(name, (string)value);
        return form;
    }
}
