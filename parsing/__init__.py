"""Pure parsers for what people type: amounts, dates and the command grammar."""
