using Jazari.Marketplace.Matching;

namespace Jazari.Marketplace.Matching.Tests;

/// <summary>Random but plausible startups and needs drawn from the lexicon's own vocabulary.</summary>
internal sealed class RandomCatalogue(Random random)
{
    private static readonly string[] Categories = ["ecommerce", "website", "erp", "crm", "cybersecurity", "cloud", "data-ai",
        "automation", "digital-marketing", "mobile-app", "training", "iot", "fintech-payments"];

    private static readonly string[] Words = ["boutique", "stock", "factures", "clients", "capteurs", "formation", "réseau",
        "audit", "application", "livraison", "paiement", "tableau de bord", "whatsapp", "chatbot", "darija", "site vitrine",
        "online shop", "inventory", "الفوترة الإلكترونية", "متجر إلكتروني", "تكوين", "أتمتة", "cloud", "odoo", "flutter"];

    private string Pick(string[] items) => items[random.Next(items.Length)];

    private string Text(int words) => string.Join(' ', Enumerable.Range(0, words).Select(_ => Pick(Words)));

    private string Region() => Regions.All[random.Next(Regions.All.Count)];

    public StartupProfile Startup(string id)
    {
        var min = random.Next(5, 60) * 1000L;
        return new StartupProfile(id, id, Region(), [Pick(Categories)], [Pick(Words), Pick(Words)], Text(8),
            random.Next(3) == 0 ? ["ar"] : ["fr", "en"], min * 100, (min + random.Next(5, 80) * 1000L) * 100,
            random.Next(3) == 0 ? ["*"] : [Region(), Region()], random.Next(1, 4), random.Next(0, 3),
            random.Next(10, 50) / 10.0, random.Next(0, 60));
    }

    public NeedProfile Need(string id)
    {
        var max = random.Next(10, 120) * 1000L;
        return new NeedProfile(id, Text(3), Text(10), random.Next(4) == 0 ? "other" : Pick(Categories), [Pick(Words)],
            max * 50, max * 100, Region(), random.Next(2) == 0, Pick(["ar", "fr", "en"]));
    }
}
