// The handler of the article's function, unchanged but for the Lambda context parameter
// (there is no Amazon.Lambda.* package here): PutItem then GetItem on DynamoDB.
using Amazon.DynamoDBv2;
using Amazon.DynamoDBv2.Model;

namespace LambdaProfilerDemo;

public sealed record CalculatorInput(string Id, int Left, int Right);
public sealed record CalculatorResult(string Id, int Left, int Right, int Result);

public sealed class Function
{
    private readonly IAmazonDynamoDB dynamoDb = new AmazonDynamoDBClient();
    private readonly string tableName =
        Environment.GetEnvironmentVariable("TABLE_NAME") ?? "lambda-profiler-demo";

    public async Task<CalculatorResult> FunctionHandler(CalculatorInput input)
    {
        var result = input.Left / input.Right;

        await dynamoDb.PutItemAsync(new PutItemRequest
        {
            TableName = tableName,
            Item = new()
            {
                ["id"] = new() { S = input.Id },
                ["left"] = new() { N = input.Left.ToString() },
                ["right"] = new() { N = input.Right.ToString() },
                ["result"] = new() { N = result.ToString() }
            }
        });

        var stored = await dynamoDb.GetItemAsync(new GetItemRequest
        {
            TableName = tableName,
            Key = new() { ["id"] = new() { S = input.Id } },
            ConsistentRead = true
        });

        return new(
            input.Id,
            int.Parse(stored.Item["left"].N),
            int.Parse(stored.Item["right"].N),
            int.Parse(stored.Item["result"].N));
    }
}
