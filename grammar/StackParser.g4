// Syntax of the stack language. The parser only builds a tree; names, types
// and references are checked later, in frontend/sema.
parser grammar StackParser;

options { tokenVocab = StackLexer; }

file        : decl* EOF;

decl        : stackDecl
            | importDecl
            | paramDecl
            | templateDecl
            | componentDecl
            | profileDecl
            | settingsDecl
            ;

stackDecl     : STACK name=declName;
importDecl    : IMPORT target=STRING;
paramDecl     : PARAM name=declName (COLON typeName=IDENT)? (EQ value)?;
templateDecl  : TEMPLATE name=declName COLON base=baseName body;
componentDecl : kind=componentKind name=declName (COLON base=baseName)? body;
profileDecl   : PROFILE name=declName LBRACE profileEntry* RBRACE;
// Stack-level settings of one target, such as `ecs { cluster = "x" }`. The
// name is an identifier rather than a keyword so that a target can gain
// settings without reserving a word; sema checks it against the schema.
settingsDecl  : name=IDENT body;

// Keywords are accepted here only to say clearly that they cannot be names.
declName      : IDENT | STACK | IMPORT | PARAM | APP | DATABASE | TASK | BALANCER
              | PROFILE | TEMPLATE | TRUE | FALSE;

componentKind : APP | DATABASE | TASK | BALANCER;
baseName      : IDENT | componentKind;

// Every choice below but a list's trailing comma is made on the next token
// alone (LL(1)): ANTLR then generates a switch for it instead of calling its
// adaptive prediction, which cost a tenth of parsing a large stack. Hence a
// member's two forms share their name, a map's separators follow each entry,
// and a call is a path with arguments (the parser reports `a.b(x)`).
body        : LBRACE member* RBRACE;
member      : name=IDENT (EQ value | body);

profileEntry : path EQ value;
path        : IDENT (DOT IDENT)*;

value       : STRING                  # stringValue
            | INT                     # intValue
            | UNIT_NUMBER             # unitValue
            | DECIMAL                 # decimalValue
            | (TRUE | FALSE)          # boolValue
            | LBRACK (value (COMMA value)* COMMA?)? RBRACK            # listValue
            | LBRACE (mapEntry COMMA?)* RBRACE    # mapValue
            | path arguments?         # pathValue
            ;

arguments   : LPAREN (value (COMMA value)*)? RPAREN;

mapEntry    : key=(IDENT | STRING) EQ value;
