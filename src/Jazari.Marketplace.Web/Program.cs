using Jazari.Marketplace.Web.Extensions;

var builder = WebApplication.CreateBuilder(args);
builder.AddMarketplace();

var app = builder.Build();
app.UseMarketplace();
app.MapMarketplaceApi();
app.MapMarketplacePages();
app.Run();

public partial class Program;
