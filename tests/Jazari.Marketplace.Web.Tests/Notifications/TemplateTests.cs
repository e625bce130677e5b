using Jazari.Marketplace.Grains.Notifications;
using Jazari.Marketplace.Web.Notifications;

namespace Jazari.Marketplace.Web.Tests.Notifications;

/// <summary>Every kind of e-mail has its subject and text in Arabic, French and English, naming only values the kind supplies.</summary>
public sealed class TemplateTests
{
    private readonly EmailTemplates templates = new(new NotificationSettings { PublicUrl = "https://jazari.ma/" });

    [Fact]
    public void Every_kind_has_a_template_in_every_language_naming_only_the_values_it_supplies()
    {
        Assert.Equal(NotificationKinds.All.Order(), NotificationCatalogue.Values.Keys.Order());
        foreach (var kind in NotificationKinds.All)
            foreach (var language in new[] { "ar", "fr", "en" })
            {
                var named = templates.Placeholders(language, kind);
                Assert.True(named is not null, $"No {language} template for {kind}.");
                var unknown = named.Except(NotificationCatalogue.Supplied(kind)).ToList();
                Assert.True(unknown.Count == 0, $"The {language} template of {kind} names {string.Join(", ", unknown)}, which {kind} does not supply.");
            }
    }

    [Fact]
    public void Sign_in_emails_name_nobody_and_an_unknown_kind_or_a_missing_value_is_refused()
    {
        foreach (var language in new[] { "ar", "fr", "en" })
            Assert.DoesNotContain(NotificationCatalogue.Name, templates.Placeholders(language, NotificationKinds.SignInCode)!);
        Assert.Throws<ArgumentException>(() => NotificationCatalogue.Check(templates, "made-up", new Dictionary<string, string>()));
        Assert.Throws<ArgumentException>(() => NotificationCatalogue.Check(templates, NotificationKinds.ApplicationAdmitted,
            new Dictionary<string, string> { ["startup"] = "Souss Digital" }));
    }

    [Fact]
    public void Markup_and_another_sites_address_typed_in_a_message_stay_text_and_the_platforms_link_keeps_its_query()
    {
        var values = new Dictionary<string, string>
        {
            ["name"] = "Amal", ["sender"] = "Web Atlas", ["title"] = "Boutique", ["link"] = "https://jazari.ma/messages/c1?a=1&b=2",
            ["excerpt"] = "Voyez <a href=\"http://evil.example\">ici</a>",
        };
        var email = templates.Render(new Notification("k", NotificationKinds.MessageReceived, values, DateTimeOffset.UnixEpoch), "a@example.ma", "fr", values, null);
        Assert.Contains("<bdi>Voyez &lt;a href=&quot;http://evil.example&quot;&gt;ici&lt;/a&gt;</bdi>", email.Html); // text, never a link
        Assert.DoesNotContain("<a href=\"http://evil", email.Html);
        Assert.Contains("<a href=\"https://jazari.ma/messages/c1?a=1&amp;b=2&amp;lang=fr\">", email.Html); // the platform's own link keeps its query
    }

    [Fact]
    public void A_released_payment_says_when_an_administrator_checks_it_and_one_stored_before_that_sentence_reads_without_it()
    {
        var values = new Dictionary<string, string>
        {
            ["name"] = "Amal", ["title"] = "Boutique", ["milestone"] = "Maquettes", ["startup"] = "Web Atlas", ["currency"] = "MAD",
            ["amount"] = "14250.00", ["fee"] = "750.00", ["link"] = "https://jazari.ma/engagements/n1", ["receipt"] = "https://jazari.ma/receipts/p1",
        };
        string Text(IReadOnlyDictionary<string, string> v) =>
            templates.Render(new Notification("k", NotificationKinds.MilestoneReleased, v, DateTimeOffset.UnixEpoch), "a@example.ma", "fr", v, null).Text;
        Assert.Contains("Un administrateur vérifie ce paiement", Text(new Dictionary<string, string>(values) { ["held"] = "held" }));
        Assert.DoesNotContain("administrateur", Text(new Dictionary<string, string>(values) { ["held"] = "" }));
        var stored = Text(values); // waiting in a digest since before the value existed
        Assert.DoesNotContain("{held}", stored);
        Assert.Contains("14.250 MAD", stored);
    }

    [Fact]
    public void A_french_email_elides_de_before_a_name_that_starts_with_a_vowel()
    {
        foreach (var (startup, expected) in new[] { ("Atlas Dev", "Nouvelle offre d'\u2068Atlas Dev\u2069"), ("Souss Digital", "Nouvelle offre de \u2068Souss Digital\u2069") })
        {
            var values = new Dictionary<string, string>
            {
                ["name"] = "Amal", ["startup"] = startup, ["title"] = "Boutique", ["price"] = "15000", ["duration"] = "30",
                ["link"] = "https://jazari.ma/sme/needs/n1",
            };
            var email = templates.Render(new Notification("k", NotificationKinds.BidReceived, values, DateTimeOffset.UnixEpoch), "a@example.ma", "fr", values, null);
            Assert.StartsWith(expected, email.Subject);
        }
    }

    [Fact]
    public void A_name_holding_an_address_is_isolated_text_never_a_link()
    {
        var values = new Dictionary<string, string>
        {
            ["name"] = "Salma", ["startup"] = "Urgent: verify at https://evil.example/login?x=1", ["cohort"] = "Cohorte Agadir",
            ["link"] = "https://jazari.ma/manager/cohorts/c1",
        };
        var email = templates.Render(new Notification("k", NotificationKinds.ApplicationReceived, values, DateTimeOffset.UnixEpoch), "a@example.ma", "fr", values, null);
        Assert.Contains("\u2068Urgent: verify at https://evil.example/login?x=1\u2069", email.Text);
        Assert.Contains("<bdi>Urgent: verify at https://evil.example/login?x=1</bdi>", email.Html);
        Assert.DoesNotContain("href=\"https://evil", email.Html);
        Assert.Contains("<a href=\"https://jazari.ma/manager/cohorts/c1?lang=fr\">", email.Html);
    }

    [Fact]
    public void A_link_to_the_pages_carries_the_emails_language_so_a_phone_in_another_one_opens_it_in_the_emails()
    {
        var values = new Dictionary<string, string>
        {
            ["name"] = "Amal", ["sender"] = "Web Atlas", ["title"] = "Boutique", ["link"] = "https://jazari.ma/conversations/c1",
            ["excerpt"] = "Voir https://jazari.ma/needs/n1. Et https://evil.example/x, https://jazari.ma/api/needs/n1",
        };
        var email = templates.Render(new Notification("k", NotificationKinds.MessageReceived, values, DateTimeOffset.UnixEpoch), "a@example.ma", "ar", values, null);
        Assert.Contains("https://jazari.ma/conversations/c1?lang=ar", email.Text);
        Assert.Contains("<a href=\"https://jazari.ma/conversations/c1?lang=ar\">", email.Html);
        Assert.Contains("https://jazari.ma/needs/n1?lang=ar. ", email.Text); // the sentence's full stop stays after it
        Assert.Contains("https://evil.example/x, ", email.Text); // another site's address is left as typed
        Assert.DoesNotContain("<a href=\"https://evil.example", email.Html); // and never made a link
        Assert.Contains("<a href=\"https://jazari.ma/needs/n1?lang=ar\">", email.Html); // the marketplace's own address typed in the message is
        Assert.Contains("https://jazari.ma/api/needs/n1", email.Text);
        Assert.DoesNotContain("api/needs/n1?lang", email.Text); // the API speaks JSON: no language
    }

    [Fact]
    public void The_language_goes_before_a_links_fragment_and_arabic_or_french_punctuation_stays_out_of_it()
    {
        var values = new Dictionary<string, string>
        {
            ["name"] = "Amal", ["sender"] = "Web Atlas", ["title"] = "Boutique", ["link"] = "https://jazari.ma/startup/invitations#calls",
            ["excerpt"] = "هل رأيت https://jazari.ma/needs/n1؟ Voir «\u00a0https://jazari.ma/needs/n2\u00a0» et «https://jazari.ma/needs/n3»",
        };
        var email = templates.Render(new Notification("k", NotificationKinds.MessageReceived, values, DateTimeOffset.UnixEpoch), "a@example.ma", "ar", values, null);
        Assert.Contains("https://jazari.ma/startup/invitations?lang=ar#calls", email.Text);
        Assert.Contains("https://jazari.ma/needs/n1?lang=ar؟", email.Text);
        Assert.Contains("<a href=\"https://jazari.ma/needs/n1?lang=ar\">", email.Html);
        Assert.Contains("<a href=\"https://jazari.ma/needs/n2?lang=ar\">", email.Html); // the no-break space and » after it are not
        Assert.Contains("https://jazari.ma/needs/n3?lang=ar»", email.Text);
        Assert.Contains("<a href=\"https://jazari.ma/needs/n3?lang=ar\">", email.Html);
    }
}
