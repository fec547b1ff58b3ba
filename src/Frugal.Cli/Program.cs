System.Console.WriteLine("frugal");
