// Tokens of the stack language. Comments go to a hidden channel rather than
// being skipped so that the formatter can put them back where they were.
lexer grammar StackLexer;

STACK    : 'stack';
IMPORT   : 'import';
PARAM    : 'param';
APP      : 'app';
DATABASE : 'database';
TASK     : 'task';
BALANCER : 'balancer';
PROFILE  : 'profile';
TEMPLATE : 'template';
TRUE     : 'true';
FALSE    : 'false';

LBRACE   : '{';
RBRACE   : '}';
LBRACK   : '[';
RBRACK   : ']';
LPAREN   : '(';
RPAREN   : ')';
EQ       : '=';
COMMA    : ',';
DOT      : '.';
COLON    : ':';

// A number with a unit suffix: a quantity (10Gi, 250m) or a duration (30s).
// Which one is decided by the type the value is checked against.
UNIT_NUMBER : DIGIT+ ('.' DIGIT+)? [a-zA-Z]+;
DECIMAL     : DIGIT+ '.' DIGIT+;
INT         : '-'? DIGIT+;
STRING      : '"' (~["\\\r\n] | '\\' ~[\r\n])* '"';
// Kept as a token of its own so the error can say what is wrong.
UNTERMINATED_STRING : '"' (~["\\\r\n] | '\\' ~[\r\n])*;
// Single quotes are a common slip; lexed whole so the error can offer the fix.
SINGLE_QUOTED_STRING : '\'' ~['\r\n]* '\'';
IDENT       : [a-zA-Z_] [a-zA-Z0-9_-]*;

COMMENT  : '#' ~[\r\n]* -> channel(HIDDEN);
WS       : [ \t\r\n]+ -> channel(HIDDEN);
UNEXPECTED_CHAR : .;

fragment DIGIT : [0-9];
