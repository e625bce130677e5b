using Jazari.Marketplace.Web.Application;
using Jazari.Marketplace.Web.Pages.Support;

namespace Jazari.Marketplace.Web.Tests;

/// <summary>A date typed as day, month and year on the pages reaches the API's date check as yyyy-MM-dd.</summary>
public sealed class DateFieldTests
{
    [Theory]
    [InlineData("5", "3", "2027", "2027-03-05")]
    [InlineData(" 15 ", "12", "2026", "2026-12-15")]
    [InlineData("١٥", "٠٣", "٢٠٢٧", "2027-03-15")] // Arabic-Indic digits, as an Arabic keyboard types them
    [InlineData("۱۵", "3", "2027", "2027-03-15")] // Persian digits
    [InlineData("", "", "", "")]
    [InlineData(null, null, null, "")]
    public void Parts_become_one_iso_date(string? day, string? month, string? year, string expected) =>
        Assert.Equal(expected, DateField.Compose(day, month, year));

    [Theory]
    [InlineData("31", "02", "2027")] // a day February does not have
    [InlineData("ab", "03", "2027")]
    [InlineData("5", "03", "27")] // a two-digit year
    [InlineData("5", "", "2027")] // no month
    [InlineData("1-2", "03", "2027")]
    [InlineData("5", "13", "2027")]
    public void Parts_that_make_no_date_are_refused_by_the_api_check_and_shown_back_as_typed(string day, string month, string year)
    {
        var composed = DateField.Compose(day, month, year);
        var c = new Checks();
        c.Date("date", composed);
        Assert.True(c.Failed);
        var field = new DateField("date", "Input.Date", "Date", composed);
        if (!day.Contains('-')) Assert.Equal((day.All(char.IsAsciiDigit) ? day.PadLeft(2, '0') : day, month, year), field.Parts);
    }

    [Theory]
    [InlineData("31", "04", "2027", "This month has no such day.")] // a real month, a day it does not have: said so
    [InlineData("29", "02", "2027", "This month has no such day.")]
    [InlineData("32", "01", "2027", "Must be a date: yyyy-MM-dd.")]
    [InlineData("5", "13", "2027", "Must be a date: yyyy-MM-dd.")]
    public void A_day_the_month_does_not_have_is_refused_as_such(string day, string month, string year, string expected)
    {
        var c = new Checks();
        c.Date("date", DateField.Compose(day, month, year));
        Assert.Equal(expected, Assert.Single(c.Errors()["date"]));
    }

    [Fact]
    public void A_stored_date_is_shown_in_its_three_parts() =>
        Assert.Equal(("04", "03", "2027"), new DateField("deadline", "Input.Deadline", "Deadline", "2027-03-04").Parts);
}
