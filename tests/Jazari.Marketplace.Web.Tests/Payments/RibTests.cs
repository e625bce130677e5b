using Jazari.Marketplace.Grains.Payments;

namespace Jazari.Marketplace.Web.Tests.Payments;

/// <summary>The Moroccan RIB as people type it: 24 digits in groups, the key that catches a wrong digit, a known bank.</summary>
public sealed class RibTests
{
    // Bank of Africa 011, town 780, account 0000123456789012: the 24-digit number is a multiple of 97 with key 96.
    private const string Valid = "011780000012345678901296";

    [Theory]
    [InlineData("011780000012345678901296")]
    [InlineData("011 780 0000123456789012 96")]
    [InlineData("011-780-0000-1234-5678-9012-96")]
    [InlineData(" 011 780 0000 1234 5678 9012 96 ")]
    [InlineData("٠١١ ٧٨٠ ٠٠٠٠١٢٣٤٥٦٧٨٩٠١٢ ٩٦")] // Arabic-Indic digits, as an Arabic phone keyboard types them
    public void A_valid_rib_typed_with_spaces_or_dashes_is_accepted_and_normalised_to_its_24_digits(string typed)
    {
        Assert.Null(Rib.Problem(typed));
        Assert.Equal(Valid, Rib.Normalise(typed));
        Assert.Equal("Bank of Africa (BMCE)", Rib.BankOf(Rib.Normalise(typed)!));
    }

    [Fact]
    public void The_key_is_the_one_that_makes_the_24_digits_a_multiple_of_97()
    {
        Assert.Equal("96", Rib.Key(Valid[..22]));
        Assert.Equal(0, System.Numerics.BigInteger.Parse(Valid) % 97);
        // Other banks of the table, keys computed by hand (python: 97 - int(first22 + "00") % 97).
        Assert.Null(Rib.Problem("007780000123456789012396")); // Attijariwafa bank
        Assert.Null(Rib.Problem("230810021111222233334480")); // CIH Bank
        Assert.Null(Rib.Problem("145810000055556666777741")); // Banque Populaire (regional range)
    }

    [Theory]
    [InlineData("011780000012345678901297")] // key one off
    [InlineData("011780000012345678901269")] // key digits swapped
    [InlineData("011780000012345678910296")] // two account digits swapped
    [InlineData("011780000012345678901200")]
    public void A_wrong_key_is_refused(string typed) =>
        Assert.Equal("This RIB's key is wrong: check the digits.", Rib.Problem(typed));

    [Fact]
    public void An_unknown_bank_code_is_refused_even_with_a_right_key()
    {
        var first22 = "999780000012345678901" + "2";
        Assert.Equal("This RIB's bank code is not a known Moroccan bank.", Rib.Problem(first22 + Rib.Key(first22)));
        var outsideRange = "191780000012345678901" + "2"; // just past Banque Populaire's regional codes
        Assert.Equal("This RIB's bank code is not a known Moroccan bank.", Rib.Problem(outsideRange + Rib.Key(outsideRange)));
    }

    [Theory]
    [InlineData("01178000001234567890129")] // 23 digits
    [InlineData("0117800000123456789012966")] // 25 digits
    [InlineData("011780000012345678901A96")] // a letter
    [InlineData("011/780/0000123456789012/96")] // another separator
    [InlineData("MA64011780000012345678901296")] // an IBAN, not a RIB
    public void Anything_but_24_digits_in_groups_is_refused(string typed) =>
        Assert.Equal("A RIB has 24 digits (spaces and dashes allowed).", Rib.Problem(typed));

    [Fact]
    public void Nothing_typed_is_required()
    {
        Assert.Equal("Required.", Rib.Problem(null));
        Assert.Equal("Required.", Rib.Problem("   "));
    }

    [Fact]
    public void The_iban_of_a_rib_has_right_check_digits_and_the_masked_rib_shows_the_bank_and_the_last_digits()
    {
        var iban = Rib.Iban(Valid);
        Assert.Matches("^MA[0-9]{2}" + Valid + "$", iban);
        // ISO 13616: the IBAN moved (country and check digits at the end, letters as numbers) is 1 modulo 97.
        Assert.Equal(1, System.Numerics.BigInteger.Parse(Valid + "2210" + iban[2..4]) % 97);
        Assert.Equal("011 *** ************9012 96", Rib.Masked(Valid));
    }

    [Fact]
    public void Webmail_and_placeholder_domains_do_not_relate_two_accounts()
    {
        Assert.True(SharedEmailDomains.Contains("gmail.com"));
        Assert.True(SharedEmailDomains.Contains("menara.ma"));
        Assert.False(SharedEmailDomains.Contains("atlas-digital.ma"));
        Assert.Equal("atlas-digital.ma", SharedEmailDomains.DomainOf("Salma@Atlas-Digital.ma"));
    }
}
